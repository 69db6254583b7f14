package io.holdfast.origin.http;

import io.holdfast.origin.index.Representation;
import io.holdfast.origin.index.ServedAsset;
import io.holdfast.origin.observe.RequestKind;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;

/**
 * What the handlers learn about one request, passed down the chain as a single exchange attachment (one object
 * per request instead of one attachment per fact).
 */
public final class OriginRequest {
    static final AttachmentKey<OriginRequest> KEY = AttachmentKey.create(OriginRequest.class);

    long startNanos;
    /** The decoded, validated path, starting with '/'. */
    String path;
    RequestKind kind = RequestKind.OTHER;
    ServedAsset asset;
    Representation representation;
    /** First and last byte of a 206 answer; first is -1 for the whole representation. */
    long rangeFirst = -1;
    long rangeLast = -1;
    /** The store was looked up again for this unknown path. */
    boolean lookedUp;
    boolean lookupFailed;
    /** How the body was produced, for the access log: memory, file, stream, cache, none. */
    String source = "none";

    static OriginRequest of(HttpServerExchange exchange) {
        OriginRequest r = exchange.getAttachment(KEY);
        if (r == null) {
            r = new OriginRequest();
            exchange.putAttachment(KEY, r);
        }
        return r;
    }

    public String path() {
        return path;
    }

    public RequestKind kind() {
        return kind;
    }

    public ServedAsset asset() {
        return asset;
    }

    public Representation representation() {
        return representation;
    }

    public String source() {
        return source;
    }
}
