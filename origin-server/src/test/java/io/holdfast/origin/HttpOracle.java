package io.holdfast.origin;

import io.holdfast.manifest.Asset;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Documents;
import io.holdfast.origin.TestPublisher.Published;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the origin must answer to a request, computed from the releases in the store and the rules of docs/HTTP.md,
 * written independently of the origin's handlers (regular expressions and plain loops where they use hand-rolled
 * scanners, the generator's knowledge of what each date means instead of an HTTP date parser). Used by the
 * hostile-request property tests.
 */
final class HttpOracle {
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    static final String REVALIDATE = "no-cache";
    private static final int MAX_PATH = 2048;
    /**
     * The raw characters a target may carry: printable ASCII, except the backslash (the origin's path rule) and
     * {@code " # < > ^ ` { | }}, which Undertow's request parser refuses (400) in the path and in the query alike.
     */
    private static final String RAW = "[\\x21\\x24-\\x3b\\x3d\\x3f-\\x5b\\x5d\\x5f\\x61-\\x7a\\x7e]";
    private static final Pattern RAW_PATH = Pattern.compile(RAW + "*+");
    /**
     * Undertow also decodes the query string and answers 400 to most (not all) malformed percent-encodings there:
     * for such a query either 400 or the path's own answer is right.
     */
    private static final Pattern WELL_ENCODED_QUERY = Pattern.compile("(?:%[0-9A-Fa-f]{2}|[^%])*+");
    private static final Pattern HEX2 = Pattern.compile("%([0-9A-Fa-f]{2})");
    private static final Pattern QVALUE = Pattern.compile("0(\\.[0-9]{0,3})?|1(\\.0{0,3})?");
    private static final Pattern RANGE = Pattern.compile("([0-9]*)-([0-9]*)");
    private static final Pattern CHANNEL = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern RELEASE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** One representation: the bytes a response may carry. */
    record Rep(String encoding, byte[] bytes) {
        String etag() {
            return "\"" + Digest.of(bytes).hex() + "\"";
        }
    }

    /** What a decoded path serves. */
    record Target(String release, Instant lastModified, String cacheControl, Rep identity, Rep gzip, Rep br) {
    }

    /** The answer the rules call for. {@code rep} and the range only for asset answers (200, 206, 304). */
    record Expected(int status, Target target, Rep rep, long first, long last, String why, boolean or400) {
        Expected(int status, Target target, Rep rep, long first, long last, String why) {
            this(status, target, rep, first, last, why, false);
        }

        static Expected of(int status, String why) {
            return new Expected(status, null, null, -1, -1, why);
        }

        Expected orBadRequest() {
            return new Expected(status, target, rep, first, last, why + "; or 400 for the malformed query", true);
        }
    }

    /** A generated request: what is sent, and what each date header value means (absent: not a date). */
    record Request(String method, byte[] target, List<String[]> headers, Map<String, Instant> dates) {
        String header(String name) {
            String found = null;
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    found = found == null ? h[1] : found; // the first, as a server reads a single-valued header
                }
            }
            return found;
        }

        String targetText() {
            return new String(target, StandardCharsets.ISO_8859_1);
        }
    }

    private final Map<String, Target> fingerprinted = new HashMap<>();
    private final Map<String, Target> entries = new HashMap<>();
    private final Map<String, Map<String, Target>> previews = new HashMap<>();
    private final Map<String, Target> manifests = new HashMap<>();
    private final Map<String, Target> channelManifests = new HashMap<>();

    /**
     * @param releases every committed release
     * @param channels channel name → release id
     * @param served   the channel whose current release serves the entry points
     */
    HttpOracle(List<Published> releases, Map<String, String> channels, String served) {
        List<Published> oldestFirst = new ArrayList<>(releases);
        oldestFirst.sort(Comparator.comparing((Published p) -> p.manifest().created()).thenComparing(Published::id));
        for (Published p : oldestFirst) {
            Map<String, Target> preview = new HashMap<>();
            for (Asset a : p.manifest().assets()) {
                preview.put(a.servedPath(), target(p, a, a.entryPoint() ? REVALIDATE : IMMUTABLE));
                if (!a.entryPoint()) {
                    fingerprinted.putIfAbsent("/" + a.servedPath(), target(p, a, IMMUTABLE));
                }
            }
            previews.put(p.id(), preview);
            Rep doc = new Rep(null, Documents.encode(p.manifest()));
            manifests.put(p.id(), new Target(p.id(), p.manifest().created(), IMMUTABLE, doc, null, null));
        }
        for (Map.Entry<String, String> c : channels.entrySet()) {
            Target m = manifests.get(c.getValue());
            channelManifests.put(c.getKey(), new Target(m.release(), m.lastModified(), REVALIDATE, m.identity(), null, null));
            if (c.getKey().equals(served)) {
                Published current = releases.stream().filter(p -> p.id().equals(c.getValue())).findFirst().orElseThrow();
                for (Asset a : current.manifest().assets()) {
                    if (a.entryPoint()) {
                        entries.put("/" + a.servedPath(), target(current, a, REVALIDATE));
                    }
                }
            }
        }
    }

    private static Target target(Published p, Asset a, String cacheControl) {
        Rep identity = new Rep(null, p.bytes(a, null));
        Rep gzip = a.variants().containsKey("gzip") ? new Rep("gzip", p.bytes(a, "gzip")) : null;
        Rep br = a.variants().containsKey("br") ? new Rep("br", p.bytes(a, "br")) : null;
        return new Target(p.id(), p.manifest().created(), cacheControl, identity, gzip, br);
    }

    /** Every representation of every path: the only bytes a 2xx body may ever be made of. */
    List<Rep> allReps() {
        List<Rep> all = new ArrayList<>();
        for (Map<String, Target> m : List.of(fingerprinted, entries, manifests, channelManifests)) {
            m.values().forEach(t -> addReps(all, t));
        }
        previews.values().forEach(m -> m.values().forEach(t -> addReps(all, t)));
        return all;
    }

    private static void addReps(List<Rep> all, Target t) {
        all.add(t.identity());
        if (t.gzip() != null) {
            all.add(t.gzip());
        }
        if (t.br() != null) {
            all.add(t.br());
        }
    }

    Expected expect(Request r) {
        String text = r.targetText();
        int q = text.indexOf('?');
        Expected e = expectIgnoringQueryEncoding(r);
        return q >= 0 && e.status() != 400 && !WELL_ENCODED_QUERY.matcher(text.substring(q + 1)).matches() ? e.orBadRequest() : e;
    }

    private Expected expectIgnoringQueryEncoding(Request r) {
        String path = decodedPath(r.targetText());
        if (path == null) {
            return Expected.of(400, "unsafe or malformed path");
        }
        String m = r.method();
        if (m.equals("OPTIONS")) {
            return Expected.of(204, "OPTIONS");
        }
        if (!m.equals("GET") && !m.equals("HEAD")) {
            return Expected.of(405, "method " + m);
        }
        Target t = resolve(path);
        if (t == null) {
            return Expected.of(404, "unknown path " + path);
        }
        Rep rep = negotiate(r.header("Accept-Encoding"), t);
        if (rep == null) {
            return new Expected(406, t, null, -1, -1, "no acceptable coding");
        }
        String etag = rep.etag();
        String ifMatch = r.header("If-Match");
        if (ifMatch != null) {
            if (!tagListMatches(ifMatch, etag, true)) {
                return new Expected(412, t, rep, -1, -1, "If-Match");
            }
        } else if (r.header("If-Unmodified-Since") != null) {
            Instant ius = r.dates().get(r.header("If-Unmodified-Since"));
            if (ius != null && t.lastModified().isAfter(ius)) {
                return new Expected(412, t, rep, -1, -1, "If-Unmodified-Since");
            }
        }
        String inm = r.header("If-None-Match");
        if (inm != null) {
            if (tagListMatches(inm, etag, false)) {
                return new Expected(304, t, rep, -1, -1, "If-None-Match");
            }
        } else if (r.header("If-Modified-Since") != null) {
            Instant ims = r.dates().get(r.header("If-Modified-Since"));
            if (ims != null && !t.lastModified().isAfter(ims)) {
                return new Expected(304, t, rep, -1, -1, "If-Modified-Since");
            }
        }
        String range = r.header("Range");
        if (range == null || !m.equals("GET")) {
            return new Expected(200, t, rep, -1, -1, "whole");
        }
        String ifRange = r.header("If-Range");
        if (ifRange != null && !ifRangeMatches(ifRange.trim(), r, etag, t)) {
            return new Expected(200, t, rep, -1, -1, "If-Range does not match");
        }
        return rangeAnswer(range, t, rep);
    }

    /** The decoded path, or null when the rules reject the target (400). */
    static String decodedPath(String target) {
        String t = target;
        if (t.startsWith("http://")) {
            int slash = t.indexOf('/', 7);
            String host = slash < 0 ? t.substring(7) : t.substring(7, slash);
            if (!host.equals("localhost")) {
                return null; // absolute form naming another host than Host:
            }
            t = slash < 0 ? "/" : t.substring(slash);
        }
        if (!t.startsWith("/")) {
            return null;
        }
        int q = t.indexOf('?');
        String raw = q < 0 ? t : t.substring(0, q);
        if (!RAW_PATH.matcher(raw).matches() || q >= 0 && !RAW_PATH.matcher(t.substring(q + 1)).matches()) {
            return null;
        }
        if (raw.length() > MAX_PATH) {
            return null;
        }
        // Every '%' must start a triplet, and no triplet may encode '.', '/', '\', '%' or a control character.
        String withoutTriplets = HEX2.matcher(raw).replaceAll("");
        if (withoutTriplets.indexOf('%') >= 0) {
            return null;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        Matcher hex = HEX2.matcher(raw);
        int at = 0;
        while (hex.find()) {
            bytes.writeBytes(raw.substring(at, hex.start()).getBytes(StandardCharsets.US_ASCII));
            int b = Integer.parseInt(hex.group(1), 16);
            if (b == '.' || b == '/' || b == '\\' || b == '%' || b < 0x20 || b == 0x7f) {
                return null;
            }
            bytes.write(b);
            at = hex.end();
        }
        bytes.writeBytes(raw.substring(at).getBytes(StandardCharsets.US_ASCII));
        String path;
        try {
            path = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null; // invalid, overlong or surrogate UTF-8
        }
        if (path.codePoints().anyMatch(c -> c >= 0x80 && c <= 0x9f || c == 0xfeff || c == 0xfffd)) {
            return null;
        }
        String[] segments = path.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if (s.isEmpty() && !last || s.equals(".") || s.equals("..")) {
                return null;
            }
        }
        return path;
    }

    private Target resolve(String path) {
        if (path.startsWith("/_releases/")) {
            String rest = path.substring("/_releases/".length());
            int slash = rest.indexOf('/');
            if (slash < 0) {
                return null;
            }
            String id = rest.substring(0, slash);
            Map<String, Target> preview = validId(id) ? previews.get(id) : null;
            if (preview == null) {
                return null;
            }
            String served = rest.substring(slash + 1);
            return preview.get(served.isEmpty() || served.endsWith("/") ? served + "index.html" : served);
        }
        if (path.startsWith("/_manifests/")) {
            String name = path.substring("/_manifests/".length());
            if (!name.endsWith(".json") || name.contains("/")) {
                return null;
            }
            String id = name.substring(0, name.length() - 5);
            return validId(id) ? manifests.get(id) : null;
        }
        if (path.startsWith("/_channels/")) {
            if (!path.endsWith("/manifest.json")) {
                return null;
            }
            String name = path.substring("/_channels/".length(), path.length() - "/manifest.json".length());
            return CHANNEL.matcher(name).matches() ? channelManifests.get(name) : null;
        }
        Target t = fingerprinted.get(path);
        if (t != null) {
            return t;
        }
        return entries.get(path.endsWith("/") ? path + "index.html" : path);
    }

    private static boolean validId(String id) {
        return RELEASE_ID.matcher(id).matches() && !id.contains("..");
    }

    /** RFC 9110 §12.5.3 as docs/HTTP.md narrows it. */
    static Rep negotiate(String header, Target t) {
        if (header == null) {
            return t.identity();
        }
        Map<String, Integer> q = new LinkedHashMap<>();
        for (String element : header.split(",", -1)) {
            String[] parts = element.split(";", -1);
            String coding = parts[0].trim().toLowerCase(Locale.ROOT);
            if (coding.isEmpty()) {
                continue;
            }
            int value = 1000;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim();
                if (p.length() >= 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
                    String v = p.substring(2); // no whitespace after '=' (RFC 9110 weight)
                    value = QVALUE.matcher(v).matches() ? (int) Math.round(Double.parseDouble(v) * 1000) : 1000;
                }
            }
            q.put(coding.equals("x-gzip") ? "gzip" : coding, value);
        }
        Integer any = q.get("*");
        int br = t.br() == null ? 0 : q.getOrDefault("br", any == null ? 0 : any);
        int gzip = t.gzip() == null ? 0 : q.getOrDefault("gzip", any == null ? 0 : any);
        // identity: named → its q; else excluded by "*;q=0"; else just below everything named
        double identity = q.containsKey("identity") ? q.get("identity") : any != null && any == 0 ? 0 : (any == null ? 0.5 : any - 0.5);
        if (br == 0 && gzip == 0 && identity == 0) {
            return null;
        }
        if (br > 0 && br >= gzip && br >= identity) {
            return t.br();
        }
        if (gzip > 0 && gzip >= identity) {
            return t.gzip();
        }
        return t.identity();
    }

    /**
     * {@code "*" / #entity-tag}, read left to right as RFC 9110 tokenizes it: an opening quote runs to the next quote,
     * commas included, so an unterminated one ends the list (nothing after it is a tag); elements that are neither
     * {@code *} nor a tag are skipped. Strong comparison refuses weak tags.
     */
    static boolean tagListMatches(String header, String etag, boolean strong) {
        Matcher m = Pattern.compile("[ \\t]*(?:(\\*)|(W/)?(\"[^\"]*\")|[^,\"]*)[ \\t]*(?:,|$)").matcher(header);
        int at = 0;
        while (at < header.length()) {
            m.region(at, header.length());
            if (!m.lookingAt()) {
                return false; // an unterminated quoted string: the rest is not a list of tags
            }
            if (m.group(1) != null) {
                return true;
            }
            if (m.group(3) != null && m.group(3).equals(etag) && !(strong && m.group(2) != null)) {
                return true;
            }
            if (m.end() == at) {
                return false;
            }
            at = m.end();
        }
        return false;
    }

    private static boolean ifRangeMatches(String ifRange, Request r, String etag, Target t) {
        if (ifRange.startsWith("\"") || ifRange.startsWith("W/")) {
            return ifRange.equals(etag);
        }
        Instant date = r.dates().get(ifRange);
        return date != null && date.equals(t.lastModified());
    }

    private static Expected rangeAnswer(String header, Target t, Rep rep) {
        long size = rep.bytes().length;
        if (header.length() < 6 || !header.substring(0, 6).equalsIgnoreCase("bytes=")) {
            return new Expected(200, t, rep, -1, -1, "not a byte range");
        }
        Matcher m = RANGE.matcher(header.substring(6));
        if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
            return new Expected(200, t, rep, -1, -1, "range ignored (syntax or several ranges)");
        }
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                if (suffix == 0 || size == 0) {
                    return new Expected(416, t, rep, -1, -1, "empty suffix");
                }
                return new Expected(206, t, rep, Math.max(0, size - suffix), size - 1, "suffix");
            }
            long first = Long.parseLong(m.group(1));
            long last = m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2));
            if (last < first) {
                return new Expected(200, t, rep, -1, -1, "reversed range ignored");
            }
            if (first >= size) {
                return new Expected(416, t, rep, -1, -1, "starts past the end");
            }
            return new Expected(206, t, rep, first, Math.min(last, size - 1), "range");
        } catch (NumberFormatException e) {
            return new Expected(200, t, rep, -1, -1, "range beyond 64 bits ignored");
        }
    }
}
