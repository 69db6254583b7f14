package io.holdfast.origin.http;

import io.holdfast.origin.blob.BlobReader;
import io.holdfast.origin.blob.OpenFiles;
import io.holdfast.origin.index.Representation;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.nio.ByteBuffer;

/**
 * Sends the body. Inline documents and cached blobs go straight from their direct buffers on the I/O thread (no
 * copy, no thread hand-off): the common case. So do large files already verified (zero-copy, see
 * {@link FileRangeSender}). Anything that needs more I/O (a cache miss, a file not verified yet, a remote stream)
 * is handed to a worker thread ({@link StoreBodyHandler}). HEAD never touches the blob.
 */
public final class BodyHandler implements HttpHandler {
    private final BlobReader blobs;
    private final HttpHandler fromStore;

    public BodyHandler(BlobReader blobs, HttpHandler fromStore) {
        this.blobs = blobs;
        this.fromStore = fromStore;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        OriginRequest r = OriginRequest.of(exchange);
        Representation rep = r.representation;
        boolean ranged = r.rangeFirst >= 0;
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH,
                ranged ? Long.toString(r.rangeLast - r.rangeFirst + 1) : rep.contentLength);
        if (exchange.getRequestMethod().equals(Methods.HEAD)) {
            exchange.endExchange();
            return;
        }
        ByteBuffer body = rep.inlineBody();
        if (body != null) {
            r.source = "inline";
        } else {
            body = blobs.cached(rep);
            if (body == null) {
                if (!sentVerifiedFile(exchange, r, rep, ranged)) {
                    exchange.dispatch(fromStore);
                }
                return;
            }
            r.source = "memory";
        }
        if (ranged) {
            body.limit((int) r.rangeLast + 1).position((int) r.rangeFirst);
        }
        exchange.getResponseSender().send(body);
    }

    /**
     * A larger blob whose file is already verified and open is sent from here, zero-copy, like nginx's sendfile:
     * handing it to a worker thread first cost two thread switches per response and a third of the bandwidth of
     * 5 MiB files.
     */
    private boolean sentVerifiedFile(HttpServerExchange exchange, OriginRequest r, Representation rep, boolean ranged) {
        OpenFiles.Lease file = blobs.verifiedFile(rep);
        if (file == null) {
            return false;
        }
        r.source = "file";
        long first = ranged ? r.rangeFirst : 0;
        long length = ranged ? r.rangeLast - r.rangeFirst + 1 : rep.size;
        FileRangeSender.send(exchange, file, first, length);
        return true;
    }
}
