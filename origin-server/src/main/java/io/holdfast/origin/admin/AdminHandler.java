package io.holdfast.origin.admin;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The admin port: {@code /healthz} (the process answers), {@code /readyz} (the index is loaded, the store answered
 * the last refresh, and the server is not draining: load balancers stop sending traffic as soon as a drain starts)
 * and {@code /metrics} (Prometheus text format). GET and HEAD only.
 */
public final class AdminHandler implements HttpHandler {
    private final BooleanSupplier ready;
    private final Supplier<String> readiness;
    private final Supplier<String> metrics;

    /**
     * @param ready     readiness check
     * @param readiness one key=value line describing the state (the body of /readyz)
     * @param metrics   the Prometheus scrape
     */
    public AdminHandler(BooleanSupplier ready, Supplier<String> readiness, Supplier<String> metrics) {
        this.ready = ready;
        this.readiness = readiness;
        this.metrics = metrics;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return;
        }
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        // Read-only endpoints: any other method (case-sensitive, RFC 9110 §9.1) is refused, whatever the path.
        String method = exchange.getRequestMethod().toString();
        if (!method.equals(Methods.GET_STRING) && !method.equals(Methods.HEAD_STRING)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
            text(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
            return;
        }
        switch (exchange.getRequestPath()) {
            case "/healthz" -> text(exchange, 200, "text/plain; charset=utf-8", "ok\n");
            case "/readyz" -> {
                boolean ok = ready.getAsBoolean();
                text(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", (ok ? "ready " : "not-ready ") + readiness.get() + "\n");
            }
            case "/metrics" -> text(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get());
            default -> text(exchange, 404, "text/plain; charset=utf-8", "admin endpoints: /healthz /readyz /metrics\n");
        }
    }

    private static void text(HttpServerExchange exchange, int status, String type, String body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, type);
        exchange.getResponseSender().send(body);
    }
}
