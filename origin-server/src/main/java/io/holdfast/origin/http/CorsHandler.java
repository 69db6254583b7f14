package io.holdfast.origin.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/** Adds Access-Control-Allow-Origin to asset responses per the {@link CorsPolicy} (fonts, module scripts). */
public final class CorsHandler implements HttpHandler {
    private final HttpHandler next;
    private final CorsPolicy cors;

    public CorsHandler(HttpHandler next, CorsPolicy cors) {
        this.next = next;
        this.cors = cors;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String allowed = cors.allowOrigin(exchange.getRequestHeaders().getFirst(Headers.ORIGIN));
        if (allowed != null) {
            exchange.getResponseHeaders().put(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowed);
        }
        next.handleRequest(exchange);
    }
}
