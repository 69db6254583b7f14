package io.holdfast.fingerprint;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds the references a publish rewrites, as Rails' Propshaft does: {@code url(...)} and {@code @import "..."}
 * in CSS, and the {@code sourceMappingURL} comment in CSS and JS. Texts are decoded as ISO-8859-1 so every byte
 * is one char and the rewritten file differs from the original only where a name changed.
 *
 * <p>Left alone: {@code data:} and other URLs with a scheme, protocol-relative {@code //host/...}, and fragment
 * references such as {@code url(#gradient)}.
 *
 * <p>A hand-written scanner rather than regular expressions: it jumps from one {@code (}, {@code @} or
 * {@code sourceMappingURL=} to the next with {@link String#indexOf}, so a large stylesheet costs little more than
 * reading it.
 */
public final class ReferenceScanner {
    private static final String SOURCE_MAPPING_URL = "sourceMappingURL=";

    private ReferenceScanner() {
    }

    /** What kind of rewriting a file gets, from its name. */
    public enum Kind { CSS, JS, NONE }

    public static Kind kindOf(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
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
            cssUrls(text, refs);
            cssImports(text, refs);
        }
        if (kind != Kind.NONE) {
            sourceMappingUrls(text, refs);
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

    /** {@code url( "x" )}, {@code url('x')}, {@code url(x)}; the function name in any case. */
    private static void cssUrls(String text, List<Reference> out) {
        for (int paren = text.indexOf('('); paren >= 0; paren = text.indexOf('(', paren + 1)) {
            if (paren < 3 || !text.regionMatches(true, paren - 3, "url", 0, 3)
                    || (paren > 3 && isNameChar(text.charAt(paren - 4)))) {
                continue;
            }
            int i = skipSpace(text, paren + 1);
            if (i >= text.length()) {
                return;
            }
            char c = text.charAt(i);
            int start;
            int stop;
            if (c == '"' || c == '\'') {
                start = i + 1;
                stop = closingQuote(text, start, c);
                if (stop < 0) {
                    continue;
                }
                i = stop + 1;
            } else {
                start = i;
                stop = i;
                while (stop < text.length() && !isSpace(text.charAt(stop)) && "\"')".indexOf(text.charAt(stop)) < 0) {
                    stop++;
                }
                i = stop;
            }
            i = skipSpace(text, i);
            if (i < text.length() && text.charAt(i) == ')') {
                reference(text.substring(start, stop), start).ifPresent(out::add);
            }
        }
    }

    /** {@code @import "x"} and {@code @import 'x'} (the {@code url(...)} form is found as a url). */
    private static void cssImports(String text, List<Reference> out) {
        for (int at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
            if (!text.regionMatches(true, at + 1, "import", 0, 6)) {
                continue;
            }
            int i = at + 7;
            if (i >= text.length() || !isSpace(text.charAt(i))) {
                continue;
            }
            i = skipSpace(text, i);
            if (i < text.length() && (text.charAt(i) == '"' || text.charAt(i) == '\'')) {
                int stop = closingQuote(text, i + 1, text.charAt(i));
                if (stop >= 0) {
                    reference(text.substring(i + 1, stop), i + 1).ifPresent(out::add);
                }
            }
        }
    }

    /** {@code //# sourceMappingURL=x} or {@code /*# sourceMappingURL=x *}{@code /} ({@code @} for {@code #} too). */
    private static void sourceMappingUrls(String text, List<Reference> out) {
        for (int at = text.indexOf(SOURCE_MAPPING_URL); at >= 0; at = text.indexOf(SOURCE_MAPPING_URL, at + 1)) {
            int j = at - 1;
            while (j >= 0 && (text.charAt(j) == ' ' || text.charAt(j) == '\t')) {
                j--;
            }
            if (j < 2 || (text.charAt(j) != '#' && text.charAt(j) != '@') || text.charAt(j - 2) != '/'
                    || (text.charAt(j - 1) != '/' && text.charAt(j - 1) != '*')) {
                continue;
            }
            int start = at + SOURCE_MAPPING_URL.length();
            int stop = start;
            while (stop < text.length() && !isSpace(text.charAt(stop)) && text.charAt(stop) != '*') {
                stop++;
            }
            reference(text.substring(start, stop), start).ifPresent(out::add);
        }
    }

    private static int closingQuote(String text, int from, char quote) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == quote) {
                return i;
            }
            if (c == '\n' || c == '\r') {
                return -1;
            }
        }
        return -1;
    }

    private static int skipSpace(String text, int i) {
        while (i < text.length() && isSpace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '-' || c == '_';
    }

    private static boolean hasScheme(String u) {
        if (u.isEmpty() || !Character.isLetter(u.charAt(0))) {
            return false;
        }
        for (int i = 1; i < u.length(); i++) {
            char c = u.charAt(i);
            if (c == ':') {
                return true;
            }
            if (!Character.isLetterOrDigit(c) && c != '+' && c != '.' && c != '-') {
                return false;
            }
        }
        return false;
    }

    private static Optional<Reference> reference(String url, int start) {
        String u = url.strip();
        if (u.isEmpty() || u.startsWith("#") || u.startsWith("%23") || u.startsWith("//") || hasScheme(u)) {
            return Optional.empty();
        }
        int lead = url.indexOf(u);
        int cut = u.length();
        for (int i = 0; i < u.length(); i++) {
            char c = u.charAt(i);
            if (c == '?' || c == '#') {
                cut = i;
                break;
            }
        }
        if (cut == 0) {
            return Optional.empty();
        }
        int s = start + lead;
        return Optional.of(new Reference(s, s + cut, u.substring(0, cut)));
    }
}
