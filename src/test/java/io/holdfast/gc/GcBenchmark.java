package io.holdfast.gc;

import io.holdfast.manifest.Asset;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.manifest.Source;
import io.holdfast.retention.RetentionPolicy;
import io.holdfast.store.BlobStore;
import io.holdfast.store.Payload;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.fs.FileSystemStore;
import io.holdfast.testing.FaultInjectingStore;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * GC over a generated store: {@code R} releases of {@code A} assets, each release changing {@code C} assets of the
 * one before (so distinct blobs ≈ A + (R-1)·C). Prints wall time, store requests and peak heap of: a dry run, the
 * first real run (retires all but the newest 10), and the runs that then delete the tombstones and the blobs.
 *
 * <pre>java -XX:+UseSerialGC -Xmx256m -cp target/cli/holdfast.jar:target/core/test-classes \
 *     io.holdfast.gc.GcBenchmark /tmp/gc-bench 200 500 50</pre>
 */
public final class GcBenchmark {
    private GcBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : "/tmp/gc-bench");
        int releases = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int assets = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        int changed = args.length > 3 ? Integer.parseInt(args[3]) : 50;
        boolean fresh = !Files.exists(root.resolve("releases"));
        BlobStore store = new FileSystemStore(root, true);
        if (fresh) {
            long t0 = System.nanoTime();
            int blobs = generate(store, releases, assets, changed);
            System.out.printf(Locale.ROOT, "generated %d releases x %d assets, %d distinct blobs in %.1f s%n", releases,
                    assets, blobs, (System.nanoTime() - t0) / 1e9);
        }
        RetentionPolicy policy = RetentionPolicy.DEFAULT.with(Map.of("keep-last", "10", "keep-within", "0s",
                "keep-channel-history", "0", "keep-served-within", "0s", "retire-for", "0s", "grace", "0s"), "bench");
        measure("dry run", store, policy, true);
        measure("run 1 (retire)", store, policy, false);
        measure("run 2 (tombstones; candidates recorded)", store, policy, false);
        measure("run 3 (blobs deleted)", store, policy, false);
        measure("run 4 (nothing to do)", store, policy, false);
    }

    private static void measure(String what, BlobStore store, RetentionPolicy policy, boolean dryRun) {
        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        long before = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        FaultInjectingStore counting = new FaultInjectingStore(store, 0);
        long t0 = System.nanoTime();
        GcReport r = new GarbageCollector(counting, MonotonicClock.start(), GcSettings.DEFAULT, GcObserver.NONE)
                .run(policy, true, dryRun);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        System.out.printf(Locale.ROOT, "%-42s %6.2f s  requests=%-6d peak heap=%5.1f MB (%.1f MB before)  retired=%d "
                        + "tombstones deleted=%d blobs listed=%d referenced=%d deleted=%d%n", what, seconds, counting.calls(),
                peak / 1e6, before / 1e6, r.releaseActions().get("retire"), r.releaseActions().get("delete"),
                r.blobs().listed(), r.blobs().referenced(), r.blobs().deleted());
    }

    private static int generate(BlobStore store, int releases, int assets, int changed) {
        int[] version = new int[assets];
        int distinct = 0;
        List<Digest> current = new ArrayList<>();
        for (int a = 0; a < assets; a++) {
            current.add(put(store, a, 0));
            distinct++;
        }
        for (int r = 1; r <= releases; r++) {
            if (r > 1) {
                for (int i = 0; i < changed; i++) {
                    int a = ((r - 1) * changed + i) % assets;
                    current.set(a, put(store, a, ++version[a]));
                    distinct++;
                }
            }
            List<Asset> list = new ArrayList<>(assets);
            for (int a = 0; a < assets; a++) {
                Digest d = current.get(a);
                list.add(new Asset("assets/file-" + a + ".js", "assets/file-" + a + "-" + d.hex().substring(0, 12) + ".js", d,
                        256, "text/javascript; charset=utf-8", d.integrity(), false, Map.of()));
            }
            ReleaseManifest m = new ReleaseManifest(ReleaseManifest.FORMAT, ReleaseId.of(Integer.toString(r)),
                    Instant.now(), Source.NONE, list);
            store.compareAndSwap(StoreKeys.release(m.id()), Documents.encode(m), Optional.empty());
        }
        return distinct;
    }

    private static Digest put(BlobStore store, int asset, int version) {
        String text = ("/* asset " + asset + " version " + version + " */\n" + "x".repeat(256)).substring(0, 256);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Payload p = Payload.ofBytes(bytes);
        store.putIfAbsent(StoreKeys.blob(p.sha256()), p);
        return p.sha256();
    }
}
