package io.holdfast.origin.http;

import io.holdfast.origin.observe.RequestKind;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Rejects (400) request paths that try to escape or confuse: {@code .} and {@code ..} segments, empty segments,
 * percent-encoded dots, slashes, backslashes, percent signs or control characters, raw backslashes, NUL, invalid or
 * overlong UTF-8, and paths longer than the limit. The path is decoded here, once and strictly (Undertow's own URL
 * decoding is off), and later handlers use only this decoded path.
 *
 * <p>Defence in depth: paths are only ever keys of in-memory maps; store keys come from digests, never from URLs.
 */
public final class PathSafetyHandler implements HttpHandler {
    private final HttpHandler next;
    private final int maxLength;
    private final String rejectedCacheControl;

    public PathSafetyHandler(HttpHandler next, int maxLength, String rejectedCacheControl) {
        this.next = next;
        this.maxLength = maxLength;
        this.rejectedCacheControl = rejectedCacheControl;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        OriginRequest r = OriginRequest.of(exchange);
        String path = safePath(rawPath(exchange.getRequestURI()), maxLength);
        if (path == null) {
            r.kind = RequestKind.REJECTED;
            Responses.text(exchange, 400, rejectedCacheControl, "bad request path");
            return;
        }
        r.path = path;
        next.handleRequest(exchange);
    }

    /** The path of an origin-form target, or of an absolute-form one ({@code http://host/path}). */
    static String rawPath(String uri) {
        if (uri == null || uri.isEmpty() || uri.charAt(0) == '/') {
            return uri;
        }
        int scheme = uri.indexOf("://");
        if (scheme < 0) {
            return null;
        }
        int slash = uri.indexOf('/', scheme + 3);
        return slash < 0 ? "/" : uri.substring(slash);
    }

    /** The decoded path, or null when it must be rejected. */
    static String safePath(String raw, int maxLength) {
        if (raw == null || raw.isEmpty() || raw.length() > maxLength || raw.charAt(0) != '/') {
            return null;
        }
        boolean encoded = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '\\') {
                return null;
            }
            if (c == '%') {
                encoded = true;
            }
        }
        String path = encoded ? decode(raw) : raw;
        if (path == null || !segmentsSafe(path)) {
            return null;
        }
        return path;
    }

    private static String decode(String raw) {
        byte[] out = new byte[raw.length()];
        int n = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '%') {
                out[n++] = (byte) c;
                continue;
            }
            if (i + 2 >= raw.length()) {
                return null;
            }
            int hi = Character.digit(raw.charAt(i + 1), 16);
            int lo = Character.digit(raw.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            int b = hi << 4 | lo;
            if (b == '.' || b == '/' || b == '\\' || b == '%' || b < 0x20 || b == 0x7f) {
                return null;
            }
            out[n++] = (byte) b;
            i += 2;
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out, 0, n));
            String s = chars.toString();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c >= 0x80 && c <= 0x9f || c == 0xfeff || c == 0xfffd) {
                    return null; // C1 controls, BOM, replacement character
                }
            }
            return s;
        } catch (CharacterCodingException e) {
            return null; // invalid or overlong UTF-8
        }
    }

    private static boolean segmentsSafe(String path) {
        int start = 1;
        int n = path.length();
        while (start <= n) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = n;
            }
            int len = end - start;
            if (len == 0 && end < n) {
                return false; // "//"
            }
            if (len == 1 && path.charAt(start) == '.' || len == 2 && path.charAt(start) == '.' && path.charAt(start + 1) == '.') {
                return false;
            }
            start = end + 1;
        }
        return true;
    }
}
