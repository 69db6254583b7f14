package io.holdfast.origin.http;

import io.holdfast.origin.observe.RequestKind;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;

/**
 * Lets GET and HEAD through; answers OPTIONS itself (CORS preflight, cacheable for a day); refuses every other
 * method with 405. The origin never accepts request bodies.
 */
public final class MethodHandler implements HttpHandler {
    private static final String ALLOW = "GET, HEAD, OPTIONS";
    private static final String PREFLIGHT_HEADERS = "Range, If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since, If-Range";
    private final HttpHandler next;
    private final CorsPolicy cors;

    public MethodHandler(HttpHandler next, CorsPolicy cors) {
        this.next = next;
        this.cors = cors;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        HttpString m = exchange.getRequestMethod();
        // Method names are case-sensitive (RFC 9110 §9.1), HttpString.equals is not: "get" is another method.
        String name = m.toString();
        if (m == Methods.GET || m == Methods.HEAD || name.equals(Methods.GET_STRING) || name.equals(Methods.HEAD_STRING)) {
            next.handleRequest(exchange);
            return;
        }
        OriginRequest r = OriginRequest.of(exchange);
        HeaderMap h = exchange.getResponseHeaders();
        if (name.equals(Methods.OPTIONS_STRING)) {
            h.put(Headers.ALLOW, ALLOW);
            String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
            String allowed = cors.allowOrigin(origin);
            if (allowed != null && exchange.getRequestHeaders().contains(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD)) {
                h.put(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowed);
                h.put(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD");
                h.put(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, PREFLIGHT_HEADERS);
                h.put(HeaderNames.ACCESS_CONTROL_MAX_AGE, "86400");
            }
            if (cors.variesByOrigin()) {
                h.put(Headers.VARY, "Origin");
            }
            h.put(Headers.CACHE_CONTROL, "no-store");
            Responses.empty(exchange, 204);
            return;
        }
        r.kind = RequestKind.REJECTED;
        Responses.text(exchange, 405, "no-store", "method not allowed", Headers.ALLOW, ALLOW);
    }
}
