package io.holdfast.fingerprint;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import java.util.regex.Pattern;

/**
 * A path glob over '/'-separated relative paths: {@code *} and {@code ?} stay within one segment, {@code **}
 * crosses segments ({@code **}{@code /} also matches no directory at all, so {@code **}{@code /*.html} matches
 * {@code index.html}), {@code {a,b}} is alternation. A pattern without '/' matches the name in any directory,
 * as in .gitignore: {@code *.html} is {@code **}{@code /*.html}.
 */
public final class Glob {
    private static final String WILD = "*?{},";

    private final String pattern;
    private final Pattern regex;
    // Fast paths for the common shapes, checked against every file of a tree: "**/*.ext", "**/name", "a/b".
    private final String suffix;
    private final String name;
    private final String exact;
    // For the rest: the literal text every match starts and ends with, checked before the regex.
    private final String head;
    private final String tail;

    private Glob(String pattern, Pattern regex, String suffix, String name, String exact, String p) {
        this.pattern = pattern;
        this.regex = regex;
        this.suffix = suffix;
        this.name = name;
        this.exact = exact;
        int first = firstWild(p);
        int last = lastWild(p);
        this.head = p.startsWith("**/") ? "" : p.substring(0, first);
        this.tail = last < 0 ? "" : p.substring(last + 1);
    }

    private static int firstWild(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (WILD.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }

    private static int lastWild(String s) {
        for (int i = s.length() - 1; i >= 0; i--) {
            if (WILD.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    public static Glob of(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw new HoldfastException(ErrorKind.USAGE, "empty glob pattern");
        }
        String p = pattern.startsWith("/") ? pattern.substring(1) : (pattern.contains("/") ? pattern : "**/" + pattern);
        Pattern regex = Pattern.compile(toRegex(p, pattern));
        String rest = p.startsWith("**/") ? p.substring(3) : null;
        if (rest != null && rest.startsWith("*.") && literal(rest.substring(2)) && !rest.contains("/")) {
            return new Glob(pattern, regex, rest.substring(1), null, null, p);
        }
        if (rest != null && literal(rest) && !rest.contains("/")) {
            return new Glob(pattern, regex, null, rest, null, p);
        }
        if (literal(p)) {
            return new Glob(pattern, regex, null, null, p, p);
        }
        return new Glob(pattern, regex, null, null, null, p);
    }

    private static boolean literal(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (WILD.indexOf(s.charAt(i)) >= 0) {
                return false;
            }
        }
        return true;
    }

    public String pattern() {
        return pattern;
    }

    public boolean matches(String path) {
        if (suffix != null) {
            return path.endsWith(suffix);
        }
        if (name != null) {
            return path.endsWith(name) && (path.length() == name.length() || path.charAt(path.length() - name.length() - 1) == '/');
        }
        if (exact != null) {
            return path.equals(exact);
        }
        return path.startsWith(head) && path.endsWith(tail) && regex.matcher(path).matches();
    }

    private static String toRegex(String glob, String original) {
        StringBuilder re = new StringBuilder();
        int braces = 0;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                        boolean slashFollows = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
                        re.append(slashFollows ? "(?:.*/)?" : ".*");
                        i += slashFollows ? 2 : 1;
                    } else {
                        re.append("[^/]*");
                    }
                }
                case '?' -> re.append("[^/]");
                case '{' -> {
                    braces++;
                    re.append("(?:");
                }
                case '}' -> {
                    if (braces == 0) {
                        throw new HoldfastException(ErrorKind.USAGE, "unbalanced '}' in glob '" + original + "'");
                    }
                    braces--;
                    re.append(')');
                }
                case ',' -> re.append(braces > 0 ? "|" : ",");
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (braces != 0) {
            throw new HoldfastException(ErrorKind.USAGE, "unbalanced '{' in glob '" + original + "'");
        }
        return re.toString();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
