package io.holdfast.origin;

import io.holdfast.manifest.Asset;
import io.holdfast.origin.TestPublisher.Published;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Generates hostile requests from a seed: paths built from the store's real paths and then mangled (percent
 * encodings of every kind, dot segments, encoded dots and slashes, NUL, backslashes, raw and encoded unicode, invalid
 * and overlong UTF-8, overlong paths, absolute-form targets, query strings), every method, and random combinations
 * of Accept-Encoding q-values, Range forms (single, suffix, open, several, other units, garbage, beyond 64 bits),
 * If-Range, If-Match, If-None-Match, If-Modified-Since and If-Unmodified-Since with valid, other, weak and garbage
 * values. Each date it writes is recorded with the instant it means, for the oracle.
 */
final class HostileRequests {
    private static final DateTimeFormatter IMF = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);
    private static final DateTimeFormatter RFC850 = DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.US);
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);
    private static final String[] METHODS = {"POST", "PUT", "DELETE", "PATCH", "TRACE", "PROPFIND", "MKCOL", "COPY",
        "MOVE", "LOCK", "FOO", "get"};
    private static final String[] INSERTS = {"/./", "/../", "/.", "/..", "%2e", "%2E", "%2e%2e", ".%2e", "%2e.", "%2f",
        "%2F", "%5c", "%5C", "\\", "%00", "%0a", "%0d%0a", "%7f", "%25", "%252e", "%", "%z", "%zz", "%g0", "%c0%ae",
        "%c0%af", "%e0%80%ae", "%c1%9c", "%ff", "%fe", "%80", "%c3%a9", "%e2%80%ae", "%f0%9f%98%80", "%ef%bb%bf",
        "%ef%bf%bd", "%c2%80", "%c2%9f", "%ed%a0%80", "%f4%90%80%80", "//", ";", ";jsessionid=1", "~", "-", "_",
        "'", "(", "!", "$", "*", "+", ",", "=", "@", ":", "\"", "<", ">", "{", "}", "|", "^", "`", "[", "]", "#",
        " ", "\t"};
    private static final String[] UNKNOWN = {"/nope.html", "/css/app-0123456789ab.css", "/_releases/r9/",
        "/_releases/r1", "/_releases/", "/_releases//", "/_manifests/r9.json", "/_manifests/r1", "/_manifests/r1.json/",
        "/_manifests/../r1.json", "/_channels/nope/manifest.json", "/_channels/PRODUCTION/manifest.json",
        "/_channels/production/manifest", "/_next/static/x.js", "/_", "/index.htm", "/INDEX.HTML", "/robots.txt/",
        "/favicon.ico", "/.git/config", "/.env", "/etc/passwd", "/WEB-INF/web.xml"};

    private final Random random;
    private final List<String> known = new ArrayList<>();
    private final List<String> etags = new ArrayList<>();
    private final List<Instant> instants = new ArrayList<>();

    HostileRequests(Random random, List<Published> releases) {
        this.random = random;
        known.add("/");
        for (Published p : releases) {
            known.add("/_releases/" + p.id() + "/");
            known.add("/_manifests/" + p.id() + ".json");
            for (Asset a : p.manifest().assets()) {
                known.add("/" + a.servedPath());
                known.add("/_releases/" + p.id() + "/" + a.servedPath());
                etags.add(p.etag(a.path(), null));
                a.variants().keySet().forEach(enc -> etags.add(p.etag(a.path(), enc)));
            }
            Instant created = p.manifest().created();
            instants.add(created);
            instants.add(created.minusSeconds(1));
            instants.add(created.plusSeconds(1));
        }
        known.add("/_channels/production/manifest.json");
        known.add("/_channels/staging/manifest.json");
        known.add("/docs/");
        instants.add(Instant.EPOCH);
        instants.add(Instant.parse("2099-12-31T23:59:59Z"));
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private String pick(String[] a) {
        return a[random.nextInt(a.length)];
    }

    private boolean chance(double p) {
        return random.nextDouble() < p;
    }

    HttpOracle.Request next() {
        Map<String, Instant> dates = new HashMap<>();
        String method = chance(0.72) ? "GET" : chance(0.5) ? "HEAD" : chance(0.3) ? "OPTIONS" : pick(METHODS);
        byte[] target = target();
        List<String[]> headers = new ArrayList<>();
        if (chance(0.6)) {
            headers.add(new String[] {"Accept-Encoding", acceptEncoding()});
        }
        if (chance(0.3)) {
            headers.add(new String[] {"Range", range()});
            if (chance(0.3)) {
                headers.add(new String[] {"If-Range", chance(0.5) ? tag(false) : date(dates)});
            }
        }
        if (chance(0.15)) {
            headers.add(new String[] {"If-None-Match", tagList()});
        }
        if (chance(0.1)) {
            headers.add(new String[] {"If-Match", tagList()});
        }
        if (chance(0.15)) {
            headers.add(new String[] {"If-Modified-Since", date(dates)});
        }
        if (chance(0.1)) {
            headers.add(new String[] {"If-Unmodified-Since", date(dates)});
        }
        if (chance(0.1)) {
            headers.add(new String[] {"Origin", chance(0.5) ? "https://app.example" : "null"});
        }
        if (chance(0.05)) {
            headers.add(new String[] {"X-Junk", "x".repeat(random.nextInt(4000))});
        }
        return new HttpOracle.Request(method, target, headers, dates);
    }

    private byte[] target() {
        String base = chance(0.8) ? pick(known) : pick(UNKNOWN);
        StringBuilder t = new StringBuilder(base);
        int mutations = chance(0.3) ? 0 : 1 + random.nextInt(3);
        ByteArrayOutputStream rawSuffix = null;
        for (int i = 0; i < mutations; i++) {
            switch (random.nextInt(9)) {
                case 0, 1 -> encodeOne(t); // an ordinary character percent-encoded: must still be served
                case 2, 3, 4 -> t.insert(1 + random.nextInt(t.length()), pick(INSERTS));
                case 5 -> t.append(chance(0.5) ? "/" : "?" + pick(new String[] {"v=3", "../../etc/passwd", "%00",
                    "a=%2e%2e%2f", "x=%C3%A9", ""}));
                case 6 -> t.append("a".repeat(chance(0.5) ? Math.max(0, 2048 - t.length() + random.nextInt(3) - 1) : 3000));
                case 7 -> {
                    rawSuffix = new ByteArrayOutputStream();
                    rawSuffix.writeBytes(pick(new String[] {"é", "\u202e", "😀", "\u0085"}).getBytes(StandardCharsets.UTF_8));
                }
                default -> {
                    String s = t.toString();
                    t.setLength(0);
                    t.append(chance(0.5) ? s.toUpperCase(Locale.ROOT) : s.replace("/", "//"));
                }
            }
        }
        if (t.length() == 0 || t.charAt(0) != '/') {
            t.insert(0, '/');
        }
        String text = chance(0.03) ? "http://localhost" + t : chance(0.01) ? "http://elsewhere.example" + t : t.toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
        if (rawSuffix != null) {
            out.writeBytes(rawSuffix.toByteArray());
        }
        return out.toByteArray();
    }

    private void encodeOne(StringBuilder t) {
        for (int tries = 0; tries < 10; tries++) {
            int i = 1 + random.nextInt(Math.max(1, t.length() - 1));
            if (i >= t.length()) {
                return;
            }
            char c = t.charAt(i);
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '~') {
                String hex = String.format(chance(0.5) ? "%%%02X" : "%%%02x", (int) c);
                t.replace(i, i + 1, hex);
                return;
            }
        }
    }

    private String acceptEncoding() {
        if (chance(0.1)) {
            return pick(new String[] {"", ",", " , ", "gzip;q=", "br;q=abc", "*;q=0", "identity;q=0", "zstd", "deflate",
                "GZIP;Q=0.5", "x-gzip", "br;q=1.5", "br;q=0.5555", "gzip;q=-1", "q=1", ";;;", "br;;q=0", "\t"});
        }
        List<String> codings = new ArrayList<>(List.of("br", "gzip", "identity", "*", "deflate", "zstd", "x-gzip", "BR"));
        java.util.Collections.shuffle(codings, random);
        int n = 1 + random.nextInt(4);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String c = codings.get(i);
            if (chance(0.5)) {
                c += (chance(0.8) ? ";" : " ; ") + (chance(0.9) ? "q=" : "Q=") + pick(new String[] {"0", "1", "0.5", "0.8",
                    "0.001", "1.000", "0.", "1.0", "0.999", "0.000"});
            }
            parts.add(c);
        }
        return String.join(chance(0.7) ? ", " : ",", parts);
    }

    private String range() {
        int big = 400_000;
        return switch (random.nextInt(14)) {
            case 0 -> "bytes=0-" + random.nextInt(200);
            case 1 -> "bytes=" + random.nextInt(big) + "-";
            case 2 -> "bytes=-" + random.nextInt(big);
            case 3 -> {
                int a = random.nextInt(big);
                yield "bytes=" + a + "-" + (a + random.nextInt(5000));
            }
            case 4 -> "bytes=0-1,5-6";
            case 5 -> "bytes=0-0,-1";
            case 6 -> "items=0-1";
            case 7 -> pick(new String[] {"bytes=", "bytes=-", "bytes=--5", "bytes=x-y", "bytes=5-2", "bytes=1-2-3", "bytes"});
            case 8 -> "bytes=-0";
            case 9 -> "bytes=0-99999999999999999999";
            case 10 -> "bytes=99999999999999999999-";
            case 11 -> "Bytes=0-9";
            case 12 -> "bytes=9223372036854775806-";
            default -> "bytes=" + (random.nextInt(10) * 100_000) + "-";
        };
    }

    private String tag(boolean list) {
        return switch (random.nextInt(list ? 6 : 4)) {
            case 0, 1 -> pick(etags);
            case 2 -> "W/" + pick(etags);
            case 3 -> "\"other\"";
            case 4 -> "*";
            default -> pick(new String[] {"nope", "\"unterminated", "", "W/"});
        };
    }

    private String tagList() {
        int n = 1 + random.nextInt(3);
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String t = tag(true);
            if (t.equals("\"unterminated")) {
                return t; // inside a list its quote would swallow the commas after it: a header no rule gives a meaning
            }
            tags.add(t);
        }
        return String.join(", ", tags);
    }

    private String date(Map<String, Instant> dates) {
        Instant at = pick(instants);
        ZonedDateTime z = at.atZone(ZoneOffset.UTC);
        int form = random.nextInt(5);
        if (form == 2 && (z.getYear() < 2000 || z.getYear() >= 2050)) {
            form = 0; // a two-digit year this far from now is ambiguous (RFC 9110 §5.6.7): not a fair question
        }
        String text = switch (form) {
            case 0, 1 -> IMF.format(z);
            case 2 -> RFC850.format(z);
            case 3 -> ASCTIME.format(z);
            default -> null;
        };
        if (text == null) {
            return pick(new String[] {"yesterday", "0", "Thu, 32 Foo 2024 99:99:99 GMT", "", "-1", "Sat, 02 Mar 2024"});
        }
        dates.put(text, at);
        return text;
    }
}
