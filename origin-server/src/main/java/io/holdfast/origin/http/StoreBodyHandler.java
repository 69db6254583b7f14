package io.holdfast.origin.http;

import io.holdfast.origin.blob.BlobReader;
import io.holdfast.origin.blob.BlobUnavailableException;
import io.holdfast.origin.blob.Body;
import io.holdfast.origin.blob.VerifyingCopy;
import io.holdfast.origin.index.Representation;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ByteRange;
import io.holdfast.store.ObjectStream;
import io.holdfast.store.StoreException;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;

/**
 * Sends a body that needs I/O, on a worker thread: loads a small blob into the memory cache (verified) and sends
 * it; sends a large local file zero-copy (sendfile) after its one-time verification; or streams a remote blob. A
 * blob that cannot be served is answered 502 (corrupted or missing: the store holds bad data) or 503 (the store
 * failed), logged and counted; its bytes are never sent.
 */
public final class StoreBodyHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(StoreBodyHandler.class);
    private final BlobReader blobs;
    private final BlobStore store;

    public StoreBodyHandler(BlobReader blobs, BlobStore store) {
        this.blobs = blobs;
        this.store = store;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        OriginRequest r = OriginRequest.of(exchange);
        Representation rep = r.representation;
        Body body;
        try {
            body = blobs.open(rep);
        } catch (BlobUnavailableException e) {
            unavailable(exchange, r, e);
            return;
        }
        long first = r.rangeFirst >= 0 ? r.rangeFirst : 0;
        long length = r.rangeFirst >= 0 ? r.rangeLast - r.rangeFirst + 1 : rep.size;
        if (body instanceof Body.Memory m) {
            r.source = "cache";
            ByteBuffer b = m.bytes();
            if (r.rangeFirst >= 0) {
                b.limit((int) r.rangeLast + 1).position((int) r.rangeFirst);
            }
            exchange.getResponseSender().send(b);
        } else if (body instanceof Body.LocalFile f) {
            r.source = "file";
            FileRangeSender.send(exchange, f.file(), first, length);
        } else {
            r.source = "stream";
            stream(exchange, r, rep, first, length);
        }
    }

    private void stream(HttpServerExchange exchange, OriginRequest r, Representation rep, long first, long length) {
        boolean whole = r.rangeFirst < 0;
        Optional<ObjectStream> s;
        try {
            s = store.get(rep.blobKey, whole ? null : new ByteRange(first, first + length - 1));
        } catch (IllegalArgumentException e) {
            // The range is outside the stored blob: the manifest gives it another size than it has.
            wrongSize(exchange, r, rep, e.getMessage());
            return;
        } catch (StoreException e) {
            BlobUnavailableException u = new BlobUnavailableException(BlobUnavailableException.Reason.STORE_FAILED,
                    rep.digest, "store failed reading " + rep.blobKey + ": " + e.getMessage(), e);
            blobs.failed(rep, u);
            unavailable(exchange, r, u);
            return;
        }
        if (s.isEmpty()) {
            BlobUnavailableException u = new BlobUnavailableException(BlobUnavailableException.Reason.MISSING,
                    rep.digest, "blob " + rep.blobKey + " is missing from the store", null);
            blobs.failed(rep, u);
            unavailable(exchange, r, u);
            return;
        }
        if (s.get().info().size() != rep.size) {
            // Known before the first byte: answer 502 rather than cut the body short later.
            closeQuietly(s.get());
            wrongSize(exchange, r, rep, "size " + s.get().info().size() + " instead of " + rep.size);
            return;
        }
        exchange.startBlocking();
        try (InputStream in = s.get().body()) {
            VerifyingCopy.copy(in, exchange.getOutputStream(), rep, length, whole);
            exchange.getOutputStream().close();
        } catch (BlobUnavailableException e) {
            // Headers and all but the last chunk are out: cut the connection so the client sees a short body.
            blobs.failed(rep, e);
            IoUtils.safeClose(exchange.getConnection());
        } catch (IOException | StoreException e) {
            LOG.debug("event=stream_aborted release={} key={} error=\"{}\"", r.asset.release, rep.blobKey, e.getMessage());
            IoUtils.safeClose(exchange.getConnection());
        }
    }

    private void wrongSize(HttpServerExchange exchange, OriginRequest r, Representation rep, String what) {
        BlobUnavailableException u = new BlobUnavailableException(BlobUnavailableException.Reason.CORRUPT, rep.digest,
                "blob " + rep.blobKey + " is corrupted: " + what, null);
        blobs.failed(rep, u);
        unavailable(exchange, r, u);
    }

    private static void closeQuietly(ObjectStream s) {
        try {
            s.close();
        } catch (IOException | RuntimeException ignored) {
            // abandoning a stream we will not read
        }
    }

    private static void unavailable(HttpServerExchange exchange, OriginRequest r, BlobUnavailableException e) {
        r.source = "none";
        int status = e.reason().status();
        LOG.error("event=asset_unavailable release={} path={} status={} reason={}", r.asset.release, r.path, status,
                e.reason().name().toLowerCase(java.util.Locale.ROOT));
        Responses.text(exchange, status, "no-store", status == 502 ? "stored blob unusable" : "store unavailable",
                io.undertow.util.Headers.RETRY_AFTER, "1");
    }
}
