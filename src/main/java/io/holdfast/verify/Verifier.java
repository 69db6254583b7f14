package io.holdfast.verify;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.BrotliInputStream;
import io.holdfast.manifest.Asset;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.manifest.Variant;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ObjectStream;
import io.holdfast.store.StoreException;
import io.holdfast.store.StoreKeys;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;

/**
 * {@code holdfast verify}: every blob a release references exists and hashes to its digest, with the size the
 * manifest says; and every precompressed variant decodes to exactly the asset's bytes (a variant that hashes
 * right but decodes to other content would serve the wrong file to every browser that accepts br or gzip).
 * Each distinct blob is read once however many releases reference it.
 */
public final class Verifier {
    private final BlobStore store;
    private final int threads;

    public Verifier(BlobStore store, int threads) {
        this.store = store;
        this.threads = Math.max(1, threads);
    }

    /** What is wrong with one blob. */
    public enum Problem { MISSING, CORRUPT, WRONG_SIZE, BAD_VARIANT, UNREADABLE }

    /**
     * One piece of damage, as seen from one asset of one release.
     *
     * @param encoding {@code identity}, {@code br} or {@code gzip}
     */
    public record Damage(ReleaseId release, String path, String encoding, Digest digest, Problem problem, String detail) {
        @Override
        public String toString() {
            return "release " + release + ": " + path + (encoding.equals("identity") ? "" : " (" + encoding + ")")
                    + ": blob " + digest + " " + problem.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                    + (detail.isEmpty() ? "" : ": " + detail);
        }
    }

    /** The outcome: how much was checked and what is damaged (empty = all good). */
    public record Report(int releases, int blobs, long bytes, List<Damage> damage) {
        public boolean ok() {
            return damage.isEmpty();
        }
    }

    public Report verify(List<ReleaseManifest> manifests) {
        // One check per distinct (blob, what it must decode to) pair.
        Map<Check, List<Use>> checks = new LinkedHashMap<>();
        for (ReleaseManifest m : manifests) {
            for (Asset a : m.assets()) {
                checks.computeIfAbsent(new Check(a.digest(), a.size(), null, null), k -> new ArrayList<>())
                        .add(new Use(m.id(), a.path(), "identity"));
                for (Map.Entry<String, Variant> v : a.variants().entrySet()) {
                    checks.computeIfAbsent(new Check(v.getValue().digest(), v.getValue().size(), v.getKey(), a.digest()),
                            k -> new ArrayList<>()).add(new Use(m.id(), a.path(), v.getKey()));
                }
            }
        }
        List<Check> all = new ArrayList<>(checks.keySet());
        Map<Check, Optional<Finding>> results = new java.util.concurrent.ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "holdfast-verify");
            t.setDaemon(true);
            return t;
        });
        try {
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < Math.min(threads, all.size()); w++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < all.size(); i = next.getAndIncrement()) {
                        results.put(all.get(i), check(all.get(i)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.holdfast.error.HoldfastException(io.holdfast.error.ErrorKind.INTERNAL, "interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re
                    : new io.holdfast.error.HoldfastException(io.holdfast.error.ErrorKind.INTERNAL, String.valueOf(e.getCause()), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        List<Damage> damage = new ArrayList<>();
        long bytes = 0;
        java.util.Set<Digest> distinct = new java.util.HashSet<>();
        for (Map.Entry<Check, List<Use>> e : checks.entrySet()) {
            if (distinct.add(e.getKey().digest())) {
                bytes += e.getKey().size();
            }
            Optional<Finding> f = results.get(e.getKey());
            if (f.isPresent()) {
                for (Use u : e.getValue()) {
                    damage.add(new Damage(u.release(), u.path(), u.encoding(), e.getKey().digest(), f.get().problem(), f.get().detail()));
                }
            }
        }
        damage.sort(Comparator.comparing(Damage::release).thenComparing(Damage::path).thenComparing(Damage::encoding));
        return new Report(manifests.size(), distinct.size(), bytes, List.copyOf(damage));
    }

    private record Check(Digest digest, long size, String encoding, Digest decodesTo) {
    }

    private record Use(ReleaseId release, String path, String encoding) {
    }

    private record Finding(Problem problem, String detail) {
    }

    private Optional<Finding> check(Check c) {
        String key = StoreKeys.blob(c.digest());
        Optional<ObjectStream> opened;
        try {
            opened = store.get(key, null);
        } catch (StoreException e) {
            return Optional.of(new Finding(Problem.UNREADABLE, e.getMessage()));
        }
        if (opened.isEmpty()) {
            return Optional.of(new Finding(Problem.MISSING, ""));
        }
        MessageDigest sha = sha256();
        long size = 0;
        try (ObjectStream s = opened.get(); InputStream in = new DigestInputStream(s.body(), sha)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                size += n;
            }
        } catch (IOException | StoreException e) {
            return Optional.of(new Finding(Problem.UNREADABLE, e.getMessage()));
        }
        Digest actual = Digest.ofBytes(sha.digest());
        if (!actual.equals(c.digest())) {
            return Optional.of(new Finding(Problem.CORRUPT, "content hashes to " + actual));
        }
        if (size != c.size()) {
            return Optional.of(new Finding(Problem.WRONG_SIZE, size + " bytes, the manifest says " + c.size()));
        }
        return c.encoding() == null ? Optional.empty() : checkDecodes(c, key);
    }

    private Optional<Finding> checkDecodes(Check c, String key) {
        MessageDigest sha = sha256();
        try (ObjectStream s = store.get(key, null).orElseThrow(() -> new IOException("vanished"));
             InputStream decoded = decoder(c.encoding(), s.body())) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = decoded.read(buf)) > 0) {
                sha.update(buf, 0, n);
            }
        } catch (IOException | RuntimeException e) {
            return Optional.of(new Finding(Problem.BAD_VARIANT, "cannot be decoded as " + c.encoding() + ": " + e.getMessage()));
        }
        Digest actual = Digest.ofBytes(sha.digest());
        return actual.equals(c.decodesTo()) ? Optional.empty()
                : Optional.of(new Finding(Problem.BAD_VARIANT, "decodes to " + actual + ", not the asset's " + c.decodesTo()));
    }

    private static InputStream decoder(String encoding, InputStream in) throws IOException {
        return switch (encoding) {
            case "gzip" -> new GZIPInputStream(in, 1 << 16);
            case "br" -> {
                Brotli4jLoader.ensureAvailability();
                yield new BrotliInputStream(in);
            }
            default -> throw new IOException("unknown encoding " + encoding);
        };
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
