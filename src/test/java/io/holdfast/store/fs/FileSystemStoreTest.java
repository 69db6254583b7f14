package io.holdfast.store.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.error.ErrorKind;
import io.holdfast.store.ConflictException;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.Payload;
import io.holdfast.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Filesystem-specific behaviour beyond the contract. */
class FileSystemStoreTest {
    @TempDir
    Path dir;

    @Test
    void readersNeedAnExistingDirectoryWritersCreateIt() {
        StoreException e = assertThrows(StoreException.class, () -> new FileSystemStore(dir.resolve("missing"), false));
        assertEquals(ErrorKind.STORE_NOT_FOUND, e.kind());
        assertTrue(e.getMessage().contains(dir.resolve("missing").toString()));
        new FileSystemStore(dir.resolve("made/here"), true);
        assertTrue(Files.isDirectory(dir.resolve("made/here")));
    }

    @Test
    void rapidSameSizeWritesGetDistinctVersionsAndIncreasingTimes() {
        FileSystemStore store = new FileSystemStore(dir, true);
        Optional<String> version = Optional.empty();
        List<ObjectInfo> writes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ObjectInfo w = store.compareAndSwap("gc/state.json", bytes(String.format("heartbeat %03d", i)), version);
            writes.add(w);
            version = Optional.of(w.version());
        }
        Set<String> versions = new HashSet<>();
        for (int i = 0; i < writes.size(); i++) {
            assertTrue(versions.add(writes.get(i).version()), "version reused at write " + i);
            if (i > 0) {
                assertTrue(writes.get(i).lastModified().isAfter(writes.get(i - 1).lastModified()), "write " + i);
            }
        }
    }

    @Test
    void twoStoresOnOneDirectoryShareTheLock() throws Exception {
        FileSystemStore a = new FileSystemStore(dir, true);
        FileSystemStore b = new FileSystemStore(dir, true);
        ObjectInfo v1 = a.compareAndSwap("channels/web.json", bytes("start"), Optional.empty());
        int threads = 8;
        CyclicBarrier go = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                FileSystemStore store = i % 2 == 0 ? a : b;
                int n = i;
                results.add(pool.submit(() -> {
                    go.await(10, TimeUnit.SECONDS);
                    try {
                        store.compareAndSwap("channels/web.json", bytes("writer " + n), Optional.of(v1.version()));
                        return true;
                    } catch (ConflictException e) {
                        return false;
                    }
                }));
            }
            int winners = 0;
            for (Future<Boolean> f : results) {
                winners += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(1, winners);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void symlinksPlantedInTheStoreAreNeverFollowed() throws Exception {
        FileSystemStore store = new FileSystemStore(dir.resolve("store"), true);
        Path secret = Files.writeString(dir.resolve("outside.txt"), "outside the store");
        Files.createDirectories(dir.resolve("store/releases"));
        Files.createSymbolicLink(dir.resolve("store/releases/evil.json"), secret);
        Files.createSymbolicLink(dir.resolve("store/blobs"), dir);
        assertTrue(store.head("releases/evil.json").isEmpty());
        assertTrue(store.get("releases/evil.json", null).isEmpty());
        assertTrue(store.read("releases/evil.json").isEmpty());
        List<String> listed = new ArrayList<>();
        store.list("", o -> listed.add(o.key()));
        assertEquals(List.of(), listed);
    }

    @Test
    void leftoversOfACrashedWriteAreInvisibleAndHarmless() throws Exception {
        FileSystemStore store = new FileSystemStore(dir, true);
        Files.writeString(dir.resolve(".holdfast-tmp/0f1e2d"), "half a blob");
        List<String> listed = new ArrayList<>();
        store.list("", o -> listed.add(o.key()));
        assertEquals(List.of(), listed);
        store.putIfAbsent("blobs/x", Payload.ofBytes(bytes("whole")));
        assertArrayEquals(bytes("whole"), store.read("blobs/x").orElseThrow().content());
        try (var tmp = Files.list(dir.resolve(".holdfast-tmp"))) {
            assertEquals(1, tmp.count(), "a write cleans up its own temp file");
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
