package io.holdfast.fingerprint;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the references a publish rewrites, as Rails' Propshaft does: {@code url(...)} and {@code @import "..."}
 * in CSS, and the {@code sourceMappingURL} comment in CSS and JS. Texts are decoded as ISO-8859-1 so every byte
 * is one char and the rewritten file differs from the original only where a name changed.
 *
 * <p>Left alone: {@code data:} and other URLs with a scheme, protocol-relative {@code //host/...}, and fragment
 * references such as {@code url(#gradient)}.
 */
public final class ReferenceScanner {
    private static final Pattern CSS_URL = Pattern.compile(
            "(?i)url\\(\\s*(?:\"([^\"\\r\\n]*)\"|'([^'\\r\\n]*)'|([^\"'\\s)]+))\\s*\\)");
    private static final Pattern CSS_IMPORT = Pattern.compile("(?i)@import\\s+(?:\"([^\"\\r\\n]*)\"|'([^'\\r\\n]*)')");
    private static final Pattern SOURCE_MAPPING_URL = Pattern.compile(
            "(?m)(?://|/\\*)[#@]\\s*sourceMappingURL=([^\\s*]+)");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

    private ReferenceScanner() {
    }

    /** What kind of rewriting a file gets, from its name; empty for files that are not scanned. */
    public enum Kind { CSS, JS, NONE }

    public static Kind kindOf(String path) {
        String lower = path.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".css")) {
            return Kind.CSS;
        }
        if (lower.endsWith(".js") || lower.endsWith(".mjs") || lower.endsWith(".cjs")) {
            return Kind.JS;
        }
        return Kind.NONE;
    }

    /** References in a text of the given kind, in text order, never overlapping. */
    public static List<Reference> scan(String text, Kind kind) {
        List<Reference> refs = new ArrayList<>();
        if (kind == Kind.CSS) {
            collect(CSS_URL.matcher(text), refs);
            collect(CSS_IMPORT.matcher(text), refs);
        }
        if (kind != Kind.NONE) {
            collect(SOURCE_MAPPING_URL.matcher(text), refs);
        }
        refs.sort(Comparator.comparingInt(Reference::start));
        List<Reference> disjoint = new ArrayList<>();
        int end = -1;
        for (Reference r : refs) {
            if (r.start() >= end) {
                disjoint.add(r);
                end = r.end();
            }
        }
        return disjoint;
    }

    private static void collect(Matcher m, List<Reference> out) {
        while (m.find()) {
            for (int g = 1; g <= m.groupCount(); g++) {
                if (m.group(g) != null) {
                    reference(m.group(g), m.start(g)).ifPresent(out::add);
                    break;
                }
            }
        }
    }

    private static java.util.Optional<Reference> reference(String url, int start) {
        String u = url.strip();
        int lead = url.indexOf(u.isEmpty() ? url : u);
        if (u.isEmpty() || u.startsWith("#") || u.startsWith("%23") || u.startsWith("//") || SCHEME.matcher(u).find()) {
            return java.util.Optional.empty();
        }
        int cut = u.length();
        for (int i = 0; i < u.length(); i++) {
            char c = u.charAt(i);
            if (c == '?' || c == '#') {
                cut = i;
                break;
            }
        }
        if (cut == 0) {
            return java.util.Optional.empty();
        }
        int s = start + lead;
        return java.util.Optional.of(new Reference(s, s + cut, u.substring(0, cut)));
    }
}
