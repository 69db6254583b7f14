package io.holdfast.origin.http;

import io.holdfast.origin.index.HttpDates;
import io.holdfast.origin.index.Representation;
import io.holdfast.origin.index.ServedAsset;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.Methods;

/**
 * Single byte ranges of GET requests (RFC 9110 §14): 206 with Content-Range, or 416 with {@code bytes *}/size when
 * the range starts past the end. If-Range (an entity tag, compared strongly, or the exact Last-Modified date)
 * that does not match means the whole representation (200). Several ranges or bad syntax: the whole
 * representation too. Ranges apply to the representation chosen by content negotiation.
 */
public final class RangeHandler implements HttpHandler {
    private final HttpHandler next;

    public RangeHandler(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        HeaderMap rq = exchange.getRequestHeaders();
        String range = rq.getFirst(Headers.RANGE);
        if (range == null || !exchange.getRequestMethod().equals(Methods.GET)) {
            next.handleRequest(exchange);
            return;
        }
        OriginRequest r = OriginRequest.of(exchange);
        Representation rep = r.representation;
        String ifRange = rq.getFirst(Headers.IF_RANGE);
        if (ifRange != null && !ifRangeMatches(ifRange.trim(), rep, r.asset)) {
            next.handleRequest(exchange);
            return;
        }
        long[] last = new long[1];
        long first = RangeSpec.parse(range, rep.size, last);
        if (first == RangeSpec.IGNORE) {
            next.handleRequest(exchange);
            return;
        }
        HeaderMap h = exchange.getResponseHeaders();
        if (first == RangeSpec.UNSATISFIABLE) {
            h.remove(Headers.CONTENT_TYPE);
            h.remove(Headers.CONTENT_ENCODING);
            h.put(Headers.CONTENT_RANGE, "bytes */" + rep.size);
            Responses.empty(exchange, 416);
            return;
        }
        r.rangeFirst = first;
        r.rangeLast = last[0];
        exchange.setStatusCode(206);
        h.put(Headers.CONTENT_RANGE, "bytes " + first + "-" + last[0] + "/" + rep.size);
        next.handleRequest(exchange);
    }

    private static boolean ifRangeMatches(String ifRange, Representation rep, ServedAsset a) {
        if (ifRange.startsWith("\"") || ifRange.startsWith("W/")) {
            return EntityTags.matches(ifRange, rep.etag, true);
        }
        return ifRange.equals(a.lastModified) || HttpDates.parseSeconds(ifRange) == a.lastModifiedSeconds;
    }
}
