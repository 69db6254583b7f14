package io.holdfast.fingerprint;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/** Resolving the path of a URL written inside a file to the logical path of another file of the release. */
public final class UrlPaths {
    private static final String UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@";

    private UrlPaths() {
    }

    /**
     * The logical path a reference names, or empty if it leaves the tree or is not under {@code prefix}.
     *
     * @param from    logical path of the file containing the reference
     * @param rawPath the URL path as written: text decoded as ISO-8859-1, maybe percent-encoded
     * @param prefix  URL path the tree is published under ({@code ""} or e.g. {@code "assets/"}); root-relative
     *                references must start with it
     */
    public static Optional<String> resolve(String from, String rawPath, String prefix) {
        String path = decode(rawPath);
        String joined;
        if (path.startsWith("/")) {
            String rooted = path.substring(1);
            if (!rooted.startsWith(prefix)) {
                return Optional.empty();
            }
            joined = rooted.substring(prefix.length());
        } else {
            int slash = from.lastIndexOf('/');
            joined = from.substring(0, slash + 1) + path;
        }
        Deque<String> segments = new ArrayDeque<>();
        for (String seg : joined.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                if (segments.isEmpty()) {
                    return Optional.empty();
                }
                segments.removeLast();
            } else {
                segments.addLast(seg);
            }
        }
        return segments.isEmpty() || joined.endsWith("/") ? Optional.empty() : Optional.of(String.join("/", segments));
    }

    /** Percent-decodes a path whose chars are bytes (ISO-8859-1) of UTF-8 text; malformed escapes stay as they are. */
    public static String decode(String raw) {
        byte[] bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '%' && i + 2 < bytes.length && hex(bytes[i + 1]) >= 0 && hex(bytes[i + 2]) >= 0) {
                out.write(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
                i += 2;
            } else {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Percent-encodes one path segment as UTF-8 and returns it as ISO-8859-1 chars (all ASCII). */
    public static String encodeSegment(String segment) {
        StringBuilder sb = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 128 && UNRESERVED.indexOf(c) >= 0) {
                sb.append(c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    /** The chars of a UTF-8 string as ISO-8859-1 text, to splice into a text decoded that way. */
    public static String asLatin1(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private static int hex(byte b) {
        return Character.digit((char) b, 16);
    }
}
