package io.holdfast.manifest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a decoded manifest must also satisfy before it is trusted: things the JSON codec cannot see and a publish
 * never produces, so a manifest that breaks them was written by hand, by a bug or by someone hostile. Readers that
 * serve or check releases (the origin, {@code verify}) use it; GC does not need to, because it keeps every blob a
 * stored manifest names whatever else the manifest says.
 *
 * <ul>
 * <li>paths (logical and served) are relative, '/'-separated, without empty, {@code .} or {@code ..} segments,
 * backslashes or control characters: a path that could escape a directory or a URL namespace is refused;</li>
 * <li>sizes are not negative;</li>
 * <li>no two assets share a logical path, and no two share a served path with different bytes.</li>
 * </ul>
 */
public final class ManifestCheck {
    /** At most this many problems are listed per manifest (a hostile one could have millions). */
    private static final int MAX_LISTED = 10;

    private ManifestCheck() {
    }

    /** The problems of a manifest, each naming the path concerned; empty when it can be trusted. */
    public static List<String> problems(ReleaseManifest m) {
        List<String> out = new ArrayList<>();
        Map<String, Digest> served = new HashMap<>();
        Map<String, Boolean> logical = new HashMap<>();
        for (Asset a : m.assets()) {
            if (out.size() >= MAX_LISTED) {
                out.add("(more problems not listed)");
                break;
            }
            String bad = unsafe(a.path());
            if (bad != null) {
                out.add("path '" + printable(a.path()) + "' " + bad);
            }
            bad = unsafe(a.servedPath());
            if (bad != null) {
                out.add("served path '" + printable(a.servedPath()) + "' " + bad);
            }
            if (a.size() < 0) {
                out.add("path '" + printable(a.path()) + "' has a negative size " + a.size());
            }
            for (Map.Entry<String, Variant> v : a.variants().entrySet()) {
                if (v.getValue() == null || v.getValue().digest() == null || v.getValue().size() < 0) {
                    out.add("path '" + printable(a.path()) + "' has an invalid " + printable(v.getKey()) + " variant");
                }
            }
            if (logical.put(a.path(), Boolean.TRUE) != null) {
                out.add("path '" + printable(a.path()) + "' appears twice");
            }
            Digest before = served.put(a.servedPath(), a.digest());
            if (before != null && !before.equals(a.digest())) {
                out.add("served path '" + printable(a.servedPath()) + "' names two different contents");
            }
        }
        return out;
    }

    /** Why a path is unsafe, or null when it is fine. */
    static String unsafe(String path) {
        if (path.isEmpty()) {
            return "is empty";
        }
        if (path.startsWith("/")) {
            return "is absolute";
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\') {
                return "contains a control character or backslash";
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return "has an empty, '.' or '..' segment";
            }
        }
        return null;
    }

    /** A path for a log line: control characters shown as {@code ?}, at most 200 characters. */
    private static String printable(String s) {
        String cut = s.length() > 200 ? s.substring(0, 200) + "…" : s;
        StringBuilder b = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> b.appendCodePoint(c < 0x20 || c == 0x7f || c == '\'' || c == '"' ? '?' : c));
        return b.toString();
    }
}
