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
public record Glob(String pattern, Pattern regex) {

    public static Glob of(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw new HoldfastException(ErrorKind.USAGE, "empty glob pattern");
        }
        String p = pattern.startsWith("/") ? pattern.substring(1) : (pattern.contains("/") ? pattern : "**/" + pattern);
        return new Glob(pattern, Pattern.compile(toRegex(p, pattern)));
    }

    public boolean matches(String path) {
        return regex.matcher(path).matches();
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
