package io.holdfast.origin.http;

import io.holdfast.origin.index.IndexSnapshot;
import io.holdfast.origin.index.ReleaseIndex;
import io.holdfast.origin.observe.OriginMetrics;
import io.holdfast.origin.observe.RequestKind;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A path the index does not know. The first time, the store is looked up again (coalesced and rate limited by the
 * {@link ReleaseIndex}) without holding a thread, and the request is routed once more; if the path is still
 * unknown, the answer is a real 404 a CDN does not keep ({@code no-store} by default), never an HTML fallback.
 * When the store could not be read, or the index was never loaded, the answer is 503 (retry elsewhere).
 */
public final class MissHandler implements HttpHandler {
    /** A last segment with a content hash in it: "app-3f9a0c1e2b4d.css", "index.B3xk9Z1q.js". */
    private static final Pattern FINGERPRINTED = Pattern.compile(".*[-.~_](?=[A-Za-z0-9]*[0-9])[A-Za-z0-9]{8,}\\.[A-Za-z0-9]+$");
    private final ReleaseIndex index;
    private final OriginMetrics metrics;
    private final String notFoundCacheControl;
    private final long waitMillis;
    private HttpHandler retry;

    public MissHandler(ReleaseIndex index, OriginMetrics metrics, String notFoundCacheControl, Duration wait) {
        this.index = index;
        this.metrics = metrics;
        this.notFoundCacheControl = notFoundCacheControl;
        this.waitMillis = wait.toMillis();
    }

    /** The handler that routes the request again once the store was looked up. */
    public void retryWith(HttpHandler routing) {
        this.retry = routing;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        OriginRequest r = OriginRequest.of(exchange);
        if (!r.lookedUp) {
            r.lookedUp = true;
            CompletableFuture<IndexSnapshot> lookup = index.lookupAfterMiss();
            exchange.dispatch(SameThreadExecutor.INSTANCE, () -> lookup.copy()
                    .orTimeout(waitMillis, TimeUnit.MILLISECONDS)
                    .whenCompleteAsync((snapshot, error) -> {
                        r.lookupFailed = error != null;
                        exchange.dispatch(exchange.getIoThread(), retry);
                    }, exchange.getIoThread()));
            return;
        }
        r.kind = RequestKind.NOT_FOUND;
        if (!index.snapshot().loaded() || r.lookupFailed) {
            Responses.text(exchange, 503, "no-store", "store unavailable", Headers.RETRY_AFTER, "1");
            return;
        }
        if (FINGERPRINTED.matcher(lastSegment(r.path)).matches()) {
            metrics.fingerprintedNotFound();
        }
        Responses.text(exchange, 404, notFoundCacheControl, "not found");
    }

    private static String lastSegment(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
