package io.holdfast.origin.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Short plain-text answers for everything that is not an asset: errors are never HTML and never cached long. */
final class Responses {
    private static final String TEXT = "text/plain; charset=utf-8";

    private Responses() {
    }

    /** Replaces whatever headers were prepared with a small text answer. */
    static void text(HttpServerExchange exchange, int status, String cacheControl, String body) {
        text(exchange, status, cacheControl, body, null, null);
    }

    /** The same with one extra header (Allow, Retry-After). */
    static void text(HttpServerExchange exchange, int status, String cacheControl, String body,
                     io.undertow.util.HttpString extraName, String extraValue) {
        HeaderMap h = exchange.getResponseHeaders();
        h.clear();
        if (extraName != null) {
            h.put(extraName, extraValue);
        }
        exchange.setStatusCode(status);
        h.put(Headers.CONTENT_TYPE, TEXT);
        h.put(Headers.CACHE_CONTROL, cacheControl);
        h.put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
        byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
        h.put(Headers.CONTENT_LENGTH, bytes.length);
        if (exchange.getRequestMethod().equals(io.undertow.util.Methods.HEAD)) {
            exchange.endExchange();
        } else {
            exchange.getResponseSender().send(ByteBuffer.wrap(bytes));
        }
    }

    /** A body-less answer (304, 412, 416) keeping the headers already set. */
    static void empty(HttpServerExchange exchange, int status) {
        exchange.setStatusCode(status);
        if (status != 304) {
            exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, "0");
        }
        exchange.endExchange();
    }
}
