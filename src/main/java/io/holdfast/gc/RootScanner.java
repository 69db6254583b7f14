package io.holdfast.gc;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.store.BlobStore;
import io.holdfast.store.Versioned;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads the manifests that stay and adds their digests to the roots, several at a time. Only digests are kept,
 * in a {@link DigestSet}, never the manifests. The calling thread keeps heartbeating while the readers work.
 */
final class RootScanner {

    /**
     * Where a manifest is expected, and where else it may be: the other of {@code releases/} and {@code retired/},
     * in case a stalled earlier run or a restore moved it after the listing.
     */
    record Location(String key, String alternate) {
    }

    private RootScanner() {
    }

    static void scan(BlobStore store, GcRunLock lock, List<Location> manifests, DigestSet roots, int threads) {
        if (manifests.isEmpty()) {
            return;
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, manifests.size()), r -> {
            Thread t = new Thread(r, "gc-read-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            CompletionService<Void> done = new ExecutorCompletionService<>(pool);
            for (Location m : manifests) {
                done.submit(() -> {
                    scanOne(store, m, roots);
                    return null;
                });
            }
            for (int i = 0; i < manifests.size(); i++) {
                Future<Void> f;
                while ((f = done.poll(1, TimeUnit.SECONDS)) == null) {
                    lock.checkpoint();
                }
                f.get();
                if (i % 64 == 0) {
                    lock.checkpoint();
                }
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re
                    : new HoldfastException(ErrorKind.STORE_FAILED, "reading manifests failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HoldfastException(ErrorKind.STORE_FAILED, "interrupted while reading manifests", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void scanOne(BlobStore store, Location m, DigestSet roots) {
        Optional<Versioned> v = store.read(m.key());
        String key = m.key();
        if (v.isEmpty()) {
            v = store.read(m.alternate());
            key = m.alternate();
        }
        if (v.isPresent()) {
            ManifestDigests.scan(v.get().content(), key, roots::add);
        }
    }
}
