package io.holdfast.origin.http;

import io.holdfast.origin.index.HttpDates;
import io.holdfast.origin.index.ServedAsset;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;

/**
 * Evaluates preconditions in the order of RFC 9110 §13.2.2:
 * <ol>
 * <li>If-Match (strong comparison) fails → 412; without If-Match, If-Unmodified-Since older than Last-Modified → 412;</li>
 * <li>If-None-Match (weak comparison) matches → 304 for GET/HEAD; without If-None-Match, If-Modified-Since not older
 * than Last-Modified → 304.</li>
 * </ol>
 * Entity tags are per representation, so a tag of the gzip variant does not match a br response. Dates that do not
 * parse are ignored, as the RFC says. A 304 keeps the validators and caching headers and drops the
 * representation's metadata.
 */
public final class ConditionalHandler implements HttpHandler {
    private final HttpHandler next;

    public ConditionalHandler(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        OriginRequest r = OriginRequest.of(exchange);
        ServedAsset a = r.asset;
        String etag = r.representation.etag;
        HeaderMap rq = exchange.getRequestHeaders();
        String ifMatch = rq.getFirst(Headers.IF_MATCH);
        if (ifMatch != null) {
            if (!EntityTags.matches(ifMatch, etag, true)) {
                preconditionFailed(exchange);
                return;
            }
        } else {
            String ius = rq.getFirst(Headers.IF_UNMODIFIED_SINCE);
            if (ius != null) {
                long t = HttpDates.parseSeconds(ius);
                if (t != Long.MIN_VALUE && a.lastModifiedSeconds > t) {
                    preconditionFailed(exchange);
                    return;
                }
            }
        }
        String inm = rq.getFirst(Headers.IF_NONE_MATCH);
        if (inm != null) {
            if (EntityTags.matches(inm, etag, false)) {
                notModified(exchange);
                return;
            }
        } else {
            String ims = rq.getFirst(Headers.IF_MODIFIED_SINCE);
            if (ims != null && (ims.equals(a.lastModified) || notModifiedSince(ims, a))) {
                notModified(exchange);
                return;
            }
        }
        next.handleRequest(exchange);
    }

    private static boolean notModifiedSince(String ims, ServedAsset a) {
        long t = HttpDates.parseSeconds(ims);
        return t != Long.MIN_VALUE && a.lastModifiedSeconds <= t;
    }

    private static void notModified(HttpServerExchange exchange) {
        // GET and HEAD only reach here (MethodHandler), so If-None-Match always means 304 rather than 412.
        HeaderMap h = exchange.getResponseHeaders();
        h.remove(Headers.CONTENT_TYPE);
        h.remove(Headers.CONTENT_ENCODING);
        h.remove(Headers.ACCEPT_RANGES);
        Responses.empty(exchange, 304);
    }

    private static void preconditionFailed(HttpServerExchange exchange) {
        HeaderMap h = exchange.getResponseHeaders();
        h.remove(Headers.CONTENT_TYPE);
        h.remove(Headers.CONTENT_ENCODING);
        h.remove(Headers.ACCEPT_RANGES);
        h.put(Headers.CACHE_CONTROL, "no-store");
        Responses.empty(exchange, 412);
    }
}
