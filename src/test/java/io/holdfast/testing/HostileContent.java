package io.holdfast.testing;

import io.holdfast.manifest.Asset;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.manifest.Source;
import io.holdfast.manifest.Variant;
import io.holdfast.store.BlobStore;
import io.holdfast.store.Payload;
import io.holdfast.store.StoreKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * Broken or hostile store content, written next to good releases: manifests that are truncated, not JSON, empty,
 * of an unknown format, naming another release, with '..', absolute or backslash paths, duplicate entries,
 * negative or enormous sizes, invalid digests, nesting deep enough to overflow a naive parser, assets that are not
 * objects; a release whose blob bytes do not match their digest and one whose blob is missing; and keys that are
 * not Holdfast's at all. Every blob a hostile manifest names really exists, so a reader that deletes "unreferenced"
 * blobs would be caught deleting them.
 */
public final class HostileContent {
    /** Manifests no reader can decode: GC cannot tell which blobs they need. */
    public static final List<String> UNREADABLE = List.of("h-truncated", "h-notjson", "h-empty", "h-future", "h-badhex",
            "h-nulls", "h-deep", "h-assets-object", "h-junk-asset");
    /** Manifests that decode, but must not be trusted (unsafe paths, duplicates, negative sizes). */
    public static final List<String> UNTRUSTED = List.of("h-dotdot", "h-absolute", "h-backslash", "h-dup", "h-negative");
    /** Decodes, trusted, but large: 20,000 entries, one with an enormous size, one with a 100,000-character path. */
    public static final String HUGE = "h-huge";
    /** A well-formed release whose blobs are damaged behind Holdfast's back: one corrupted, one missing. */
    public static final String DAMAGED = "h-damaged";
    /** A manifest under a valid key that names another release. */
    public static final String WRONG_ID = "h-wrongid";
    /** Keys in Holdfast's namespaces that are not Holdfast's (listings must skip them, GC never delete them). */
    public static final List<String> GARBAGE_KEYS = List.of("releases/README.txt", "releases/nested/x.json",
            "releases/-dash.json", "blobs/sha256/zz/not-a-digest", "blobs/sha256/ab/" + "cd".repeat(32),
            "blobs/sha256/" + "ef".repeat(32), "blobs/sha256/AB/" + "AB".repeat(32), "channels/UPPER.json",
            "channels/nested/x.json", "gc/unknown.json", "stray-top-level-file");

    /** What was written. */
    public record Written(Map<String, Set<Digest>> named, Digest corrupted, Digest missing, String damagedPath,
                          byte[] corruptedBytes, Map<String, byte[]> garbage) {
        /** The blobs the given hostile manifests name. */
        public Set<Digest> namedBy(java.util.Collection<String> ids) {
            Set<Digest> out = new TreeSet<>();
            ids.forEach(id -> out.addAll(named.getOrDefault(id, Set.of())));
            return out;
        }
    }

    private static final Instant CREATED = Instant.parse("2024-03-05T10:00:00Z");

    private HostileContent() {
    }

    /**
     * Writes it all. {@code raw} stores bytes under a key bypassing every check (a file write, a plain S3 PUT): it
     * is how garbage keys and corrupted blobs get there.
     */
    /** A raw writer for a filesystem store at {@code root}: bytes go to the key's file, past every check. */
    public static BiConsumer<String, byte[]> filesUnder(Path root) {
        return (key, bytes) -> {
            try {
                Path file = root.resolve(key);
                Files.createDirectories(file.getParent());
                Files.write(file, bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    public static Written write(BlobStore store, BiConsumer<String, byte[]> raw) {
        Map<String, byte[]> docs = new LinkedHashMap<>();
        Map<String, Set<Digest>> named = new LinkedHashMap<>();

        Asset a = asset(store, "hostile-a", "css/a.css", "css/a-" + "1".repeat(12) + ".css");
        byte[] good = manifest("h-truncated", List.of(a));
        docs.put("h-truncated", java.util.Arrays.copyOf(good, good.length / 2));
        docs.put("h-notjson", "<html><body>not a manifest</body></html>".getBytes(StandardCharsets.UTF_8));
        docs.put("h-empty", new byte[0]);
        Asset b = asset(store, "hostile-b", "js/b.js", "js/b-" + "2".repeat(12) + ".js");
        docs.put("h-future", new String(manifest("h-future", List.of(b)), StandardCharsets.UTF_8)
                .replace("\"format\" : 1", "\"format\" : 99").getBytes(StandardCharsets.UTF_8));
        docs.put("h-badhex", new String(manifest("h-badhex", List.of(b)), StandardCharsets.UTF_8)
                .replace(b.digest().hex(), "ZZ" + b.digest().hex().substring(2)).getBytes(StandardCharsets.UTF_8));
        docs.put("h-nulls", "{\"format\":1,\"id\":\"h-nulls\",\"created\":null,\"assets\":null}".getBytes(StandardCharsets.UTF_8));
        docs.put("h-deep", ("{\"format\":1,\"id\":\"h-deep\",\"source\":" + "[".repeat(100_000)).getBytes(StandardCharsets.UTF_8));
        Asset c = asset(store, "hostile-c", "c.txt", "c-" + "3".repeat(12) + ".txt");
        String cJson = new String(Documents.encode(c), StandardCharsets.UTF_8);
        docs.put("h-assets-object", ("{\"format\":1,\"id\":\"h-assets-object\",\"created\":\"2024-03-05T10:00:00Z\",\"assets\":"
                + cJson + "}").getBytes(StandardCharsets.UTF_8));
        docs.put("h-junk-asset", ("{\"format\":1,\"id\":\"h-junk-asset\",\"created\":\"2024-03-05T10:00:00Z\",\"assets\":[\"junk\","
                + cJson + "]}").getBytes(StandardCharsets.UTF_8));

        Asset d = asset(store, "hostile-d", "../../etc/passwd", "../../etc/passwd");
        docs.put("h-dotdot", manifest("h-dotdot", List.of(d, renamed(d, "x/../../y.css"))));
        docs.put("h-absolute", manifest("h-absolute", List.of(renamed(d, "/etc/shadow"))));
        docs.put("h-backslash", manifest("h-backslash", List.of(renamed(d, "a\\..\\b.css"), renamed(d, "nul\0.css"))));
        Asset e = asset(store, "hostile-e", "dup.css", "dup-" + "4".repeat(12) + ".css");
        Asset f = asset(store, "hostile-f", "dup.css", "dup-" + "4".repeat(12) + ".css");
        docs.put("h-dup", manifest("h-dup", List.of(e, f)));
        Asset g = asset(store, "hostile-g", "neg.css", "neg-" + "5".repeat(12) + ".css");
        docs.put("h-negative", manifest("h-negative", List.of(new Asset(g.path(), g.servedPath(), g.digest(), -1,
                g.contentType(), g.integrity(), false, Map.of("gzip", new Variant(g.digest(), -5))))));

        Asset h = asset(store, "hostile-h", "many/0.txt", "many/0-" + "6".repeat(12) + ".txt");
        List<Asset> many = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            many.add(new Asset("many/" + i + ".txt", "many/" + i + "-" + "6".repeat(12) + ".txt", h.digest(), h.size(),
                    h.contentType(), h.integrity(), false, Map.of()));
        }
        many.add(new Asset("enormous.bin", "enormous-" + "7".repeat(12) + ".bin", h.digest(), Long.MAX_VALUE,
                "application/octet-stream", h.integrity(), false, Map.of()));
        many.add(new Asset("long.txt", "l".repeat(100_000) + ".txt", h.digest(), h.size(), h.contentType(), h.integrity(),
                false, Map.of()));
        docs.put(HUGE, manifest(HUGE, many));

        Asset w = asset(store, "hostile-w", "w.txt", "w-" + "8".repeat(12) + ".txt");
        docs.put(WRONG_ID, manifest("someone-else", List.of(w)));

        Map<String, Set<Digest>> uses = Map.ofEntries(Map.entry("h-truncated", Set.of(a.digest())),
                Map.entry("h-future", Set.of(b.digest())), Map.entry("h-badhex", Set.of(b.digest())),
                Map.entry("h-assets-object", Set.of(c.digest())), Map.entry("h-junk-asset", Set.of(c.digest())),
                Map.entry("h-dotdot", Set.of(d.digest())), Map.entry("h-absolute", Set.of(d.digest())),
                Map.entry("h-backslash", Set.of(d.digest())), Map.entry("h-dup", Set.of(e.digest(), f.digest())),
                Map.entry("h-negative", Set.of(g.digest())), Map.entry(HUGE, Set.of(h.digest())),
                Map.entry(WRONG_ID, Set.of(w.digest())));
        for (Map.Entry<String, byte[]> doc : docs.entrySet()) {
            store.compareAndSwap(StoreKeys.release(ReleaseId.of(doc.getKey())), doc.getValue(), Optional.empty());
            named.put(doc.getKey(), uses.getOrDefault(doc.getKey(), Set.of()));
        }

        // A well-formed release whose blobs were damaged behind Holdfast's back.
        byte[] intended = "the bytes this digest names".getBytes(StandardCharsets.UTF_8);
        byte[] tampered = "tampered bytes of the same length!".getBytes(StandardCharsets.UTF_8);
        Digest corrupted = Digest.of(intended);
        raw.accept(StoreKeys.blob(corrupted), tampered);
        byte[] gone = "a blob nobody uploaded".getBytes(StandardCharsets.UTF_8);
        Digest missing = Digest.of(gone);
        Asset ok = asset(store, "hostile-ok: a healthy asset of the damaged release", "ok.txt",
                "ok-" + "9".repeat(12) + ".txt");
        List<Asset> damaged = List.of(ok,
                new Asset("corrupt.txt", "corrupt-" + corrupted.hex().substring(0, 12) + ".txt", corrupted, intended.length,
                        "text/plain; charset=utf-8", corrupted.integrity(), false, Map.of()),
                new Asset("missing.txt", "missing-" + missing.hex().substring(0, 12) + ".txt", missing, gone.length,
                        "text/plain; charset=utf-8", missing.integrity(), false, Map.of()));
        store.compareAndSwap(StoreKeys.release(ReleaseId.of(DAMAGED)), manifest(DAMAGED, damaged), Optional.empty());
        named.put(DAMAGED, Set.of(ok.digest(), corrupted)); // the missing one never existed

        Map<String, byte[]> garbage = new LinkedHashMap<>();
        for (String key : GARBAGE_KEYS) {
            byte[] bytes = ("garbage at " + key).getBytes(StandardCharsets.UTF_8);
            raw.accept(key, bytes);
            garbage.put(key, bytes);
        }
        return new Written(named, corrupted, missing, "/corrupt-" + corrupted.hex().substring(0, 12) + ".txt", tampered,
                garbage);
    }

    /** Every hostile release id (the damaged one too). */
    public static List<String> ids() {
        List<String> all = new ArrayList<>(UNREADABLE);
        all.addAll(UNTRUSTED);
        all.add(HUGE);
        all.add(WRONG_ID);
        all.add(DAMAGED);
        return all;
    }

    private static Asset asset(BlobStore store, String content, String path, String served) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        Payload p = Payload.ofBytes(bytes);
        store.putIfAbsent(StoreKeys.blob(p.sha256()), p);
        return new Asset(path, served, p.sha256(), bytes.length, "text/plain; charset=utf-8", p.sha256().integrity(),
                false, Map.of());
    }

    private static Asset renamed(Asset a, String path) {
        return new Asset(path, path, a.digest(), a.size(), a.contentType(), a.integrity(), false, a.variants());
    }

    private static byte[] manifest(String id, List<Asset> assets) {
        return Documents.encode(new ReleaseManifest(ReleaseManifest.FORMAT, ReleaseId.of(id), CREATED, Source.NONE, assets));
    }
}
