package io.holdfast.origin.http;

import io.holdfast.origin.index.AssetKind;
import io.holdfast.origin.index.Representation;
import io.holdfast.origin.index.ServedAsset;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;

/**
 * Sets the headers every asset response carries, all precomputed: Content-Type, ETag (of the chosen
 * representation), Last-Modified (the release's creation), Cache-Control (immutable for fingerprinted assets,
 * revalidation for entry points), Content-Encoding, Vary, Accept-Ranges, {@code X-Content-Type-Options: nosniff}
 * and, except for fingerprinted assets, {@code X-Holdfast-Release} naming the release that answered.
 */
public final class ResponseHeadersHandler implements HttpHandler {
    private static final String NOSNIFF = "nosniff";
    private static final String BYTES = "bytes";
    private final HttpHandler next;
    private final String varyBoth;
    private final String varyEncoding;
    private final String varyOrigin;

    public ResponseHeadersHandler(HttpHandler next, CorsPolicy cors) {
        this.next = next;
        boolean byOrigin = cors.variesByOrigin();
        this.varyBoth = byOrigin ? "Accept-Encoding, Origin" : "Accept-Encoding";
        this.varyEncoding = "Accept-Encoding";
        this.varyOrigin = byOrigin ? "Origin" : null;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        OriginRequest r = OriginRequest.of(exchange);
        ServedAsset a = r.asset;
        Representation rep = r.representation;
        HeaderMap h = exchange.getResponseHeaders();
        h.put(Headers.CONTENT_TYPE, a.contentType);
        h.put(Headers.ETAG, rep.etag);
        h.put(Headers.LAST_MODIFIED, a.lastModified);
        h.put(Headers.CACHE_CONTROL, a.cacheControl);
        h.put(Headers.X_CONTENT_TYPE_OPTIONS, NOSNIFF);
        h.put(Headers.ACCEPT_RANGES, BYTES);
        if (rep.encoding != null) {
            h.put(Headers.CONTENT_ENCODING, rep.encoding);
        }
        String vary = a.hasVariants() ? (varyOrigin != null ? varyBoth : varyEncoding) : varyOrigin;
        if (vary != null) {
            h.put(Headers.VARY, vary);
        }
        if (a.kind != AssetKind.FINGERPRINTED) {
            h.put(HeaderNames.HOLDFAST_RELEASE, a.release.value());
        }
        next.handleRequest(exchange);
    }
}
