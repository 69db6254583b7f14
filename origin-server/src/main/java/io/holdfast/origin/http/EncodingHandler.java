package io.holdfast.origin.http;

import io.holdfast.origin.index.Representation;
import io.holdfast.origin.index.ServedAsset;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * Picks the representation to send (br, gzip or identity) from Accept-Encoding; see {@link AcceptEncoding}.
 * When the client refuses every coding the asset has (e.g. {@code identity;q=0} for an asset without variants),
 * the answer is 406.
 */
public final class EncodingHandler implements HttpHandler {
    private final HttpHandler next;

    public EncodingHandler(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        OriginRequest r = OriginRequest.of(exchange);
        ServedAsset a = r.asset;
        String accept = exchange.getRequestHeaders().getFirst(Headers.ACCEPT_ENCODING);
        Representation chosen;
        switch (AcceptEncoding.choose(accept, a.br != null, a.gzip != null)) {
            case AcceptEncoding.BR -> chosen = a.br;
            case AcceptEncoding.GZIP -> chosen = a.gzip;
            case AcceptEncoding.IDENTITY -> chosen = a.identity;
            default -> {
                Responses.text(exchange, 406, "no-store", "no acceptable content coding: this asset is available as "
                        + (a.br != null ? "br, " : "") + (a.gzip != null ? "gzip, " : "") + "identity",
                        Headers.VARY, "Accept-Encoding");
                return;
            }
        }
        r.representation = chosen;
        next.handleRequest(exchange);
    }
}
