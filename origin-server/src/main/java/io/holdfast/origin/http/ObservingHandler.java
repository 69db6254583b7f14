package io.holdfast.origin.http;

import io.holdfast.origin.index.ServedAsset;
import io.holdfast.origin.observe.OriginMetrics;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the per-request state and, when the exchange completes, records it: metrics (requests by kind and
 * status with latency, bytes), hits per release, and one access-log line on the {@code holdfast.access} logger.
 */
public final class ObservingHandler implements HttpHandler {
    private static final Logger ACCESS = LoggerFactory.getLogger("holdfast.access");
    private final HttpHandler next;
    private final OriginMetrics metrics;
    private final boolean accessLog;
    private final ExchangeCompletionListener record = this::completed;

    public ObservingHandler(HttpHandler next, OriginMetrics metrics, boolean accessLog) {
        this.next = next;
        this.metrics = metrics;
        this.accessLog = accessLog;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        OriginRequest r = new OriginRequest();
        r.startNanos = System.nanoTime();
        exchange.putAttachment(OriginRequest.KEY, r);
        exchange.addExchangeCompleteListener(record);
        next.handleRequest(exchange);
    }

    private void completed(HttpServerExchange exchange, ExchangeCompletionListener.NextListener nextListener) {
        try {
            OriginRequest r = exchange.getAttachment(OriginRequest.KEY);
            int status = exchange.getStatusCode();
            long nanos = System.nanoTime() - r.startNanos;
            long bytes = exchange.getResponseBytesSent();
            metrics.request(r.kind, status, nanos, bytes);
            ServedAsset a = r.asset;
            if (a != null && status < 400) {
                a.activity.served();
            }
            if (accessLog && ACCESS.isInfoEnabled()) {
                ACCESS.info(line(exchange, r, status, nanos, bytes));
            }
        } finally {
            nextListener.proceed();
        }
    }

    private static String line(HttpServerExchange exchange, OriginRequest r, int status, long nanos, long bytes) {
        StringBuilder b = new StringBuilder(192);
        b.append("method=").append(exchange.getRequestMethod());
        b.append(" path=");
        clean(b, exchange.getRequestURI());
        b.append(" status=").append(status);
        b.append(" bytes=").append(Math.max(0, bytes));
        b.append(" us=").append(nanos / 1000);
        b.append(" kind=").append(r.kind.label());
        b.append(" release=").append(r.asset == null ? "-" : r.asset.release.value());
        b.append(" enc=").append(r.representation == null || r.representation.encoding == null ? "-" : r.representation.encoding);
        if (r.rangeFirst >= 0) {
            b.append(" range=").append(r.rangeFirst).append('-').append(r.rangeLast);
        }
        b.append(" source=").append(r.source);
        var peer = exchange.getSourceAddress();
        b.append(" client=").append(peer == null ? "-" : peer.getAddress() == null ? peer.getHostString() : peer.getAddress().getHostAddress());
        return b.toString();
    }

    /** Paths are logged as one token: no spaces, quotes or control characters, at most 512 characters. */
    private static void clean(StringBuilder b, String s) {
        if (s == null || s.isEmpty()) {
            b.append('-');
            return;
        }
        int n = Math.min(s.length(), 512);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            b.append(c <= 0x20 || c >= 0x7f || c == '"' ? '?' : c);
        }
    }
}
