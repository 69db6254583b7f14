package io.holdfast.gc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.retention.RetentionPolicy;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.fs.FileSystemStore;
import io.holdfast.testing.HostileContent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GC on a store holding broken or hostile content ({@link HostileContent}): a manifest it cannot read stops the run
 * before any blob is deleted (it cannot prove those blobs unreferenced), naming the manifest; everything else is
 * skipped; nothing a hostile manifest names and no key that is not Holdfast's is ever deleted; and once an operator
 * removes the unreadable manifest, GC goes on from where it was.
 */
class GcHostileContentTest {
    /** Keeps every release: what GC deletes is then only what no manifest names. */
    private static final RetentionPolicy KEEP_ALL = RetentionPolicy.DEFAULT.with(Map.of("keep-last", "1000",
            "keep-within", "0s", "keep-channel-history", "1", "keep-served-within", "0s", "retire-for", "1d",
            "grace", "1h", "max-remove-fraction", "1"), "test");

    @TempDir
    Path dir;

    private record Setup(GcFixture f, HostileContent.Written hostile, List<Digest> orphans, List<TestRelease> good) {
    }

    private Setup setup(Path root) {
        GcFixture f = new GcFixture(new FileSystemStore(root, true));
        List<TestRelease> good = List.of(TestRelease.of("good-1", "shared", "one-a", "one-b"),
                TestRelease.of("good-2", "shared", "two-a", "two-b"));
        good.forEach(f::commit);
        HostileContent.Written hostile = HostileContent.write(f.store, HostileContent.filesUnder(root));
        List<Digest> orphans = List.of(f.orphan("orphan-1"), f.orphan("orphan-2"));
        return new Setup(f, hostile, orphans, good);
    }

    private static void deleteReleaseDocs(GcFixture f, String id) {
        f.store.delete(List.of(StoreKeys.release(ReleaseId.of(id)), StoreKeys.retired(ReleaseId.of(id))));
    }

    private static void assertHostileBlobsAndGarbageKept(Setup s, Path root, List<String> remaining) throws IOException {
        for (Digest d : s.hostile().namedBy(remaining)) {
            assertTrue(s.f().exists(d), "a blob named by a hostile manifest was deleted: " + d);
        }
        assertTrue(Files.exists(root.resolve(StoreKeys.blob(s.hostile().corrupted()))), "GC never deletes a referenced blob, corrupt or not");
        for (Map.Entry<String, byte[]> g : s.hostile().garbage().entrySet()) {
            assertArrayEquals(g.getValue(), Files.readAllBytes(root.resolve(g.getKey())), "garbage key touched: " + g.getKey());
        }
        for (TestRelease r : s.good()) {
            for (Digest d : r.digests()) {
                assertTrue(s.f().exists(d), "a blob of good release " + r.id() + " was deleted: " + d);
            }
        }
    }

    @Test
    void everyUnreadableManifestStopsTheRunBeforeAnyDeleteAndNamesItself() throws IOException {
        List<String> messages = new ArrayList<>();
        for (String id : HostileContent.UNREADABLE) {
            Path root = dir.resolve(id);
            Setup s = setup(root);
            // Only this one unreadable manifest stays.
            HostileContent.UNREADABLE.stream().filter(other -> !other.equals(id)).forEach(other -> deleteReleaseDocs(s.f(), other));
            for (int run = 0; run < 3; run++) {
                s.f().time.advance(Duration.ofHours(2));
                HoldfastException e = assertThrows(HoldfastException.class, () -> s.f().run(KEEP_ALL), id);
                assertTrue(e.getMessage().contains(id + ".json"), id + ": the error names the manifest: " + e.getMessage());
                if (run == 0) {
                    messages.add(e.getMessage());
                }
                assertFalse(s.f().gcState().running(), id + ": a stopped run leaves gc/state idle");
            }
            for (Digest d : s.orphans()) {
                assertTrue(s.f().exists(d), id + ": nothing may be deleted while a manifest cannot be read");
            }
            List<String> remaining = new ArrayList<>(HostileContent.ids());
            remaining.removeIf(other -> HostileContent.UNREADABLE.contains(other) && !other.equals(id));
            assertHostileBlobsAndGarbageKept(s, root, remaining);

            // The operator removes it (or restores a good copy): GC goes on and reclaims the orphans.
            deleteReleaseDocs(s.f(), id);
            s.f().runToFixedPoint(KEEP_ALL);
            for (Digest d : s.orphans()) {
                assertFalse(s.f().exists(d), id + ": orphan reclaimed once the manifest is gone");
            }
            for (Map.Entry<String, byte[]> g : s.hostile().garbage().entrySet()) {
                assertArrayEquals(g.getValue(), Files.readAllBytes(root.resolve(g.getKey())), "garbage key touched: " + g.getKey());
            }
        }
        messages.forEach(m -> System.out.println("[gc refused] " + m));
    }

    @Test
    void manifestsThatParseButAreUntrustedKeepTheirBlobsAndGarbageKeysAreNeverTouched() throws IOException {
        Path root = dir.resolve("store");
        Setup s = setup(root);
        HostileContent.UNREADABLE.forEach(id -> deleteReleaseDocs(s.f(), id));
        s.f().runToFixedPoint(KEEP_ALL);
        for (Digest d : s.orphans()) {
            assertFalse(s.f().exists(d), "orphans are reclaimed");
        }
        List<String> remaining = new ArrayList<>(HostileContent.ids());
        remaining.removeAll(HostileContent.UNREADABLE);
        assertHostileBlobsAndGarbageKept(s, root, remaining);
        for (String id : HostileContent.UNTRUSTED) {
            assertTrue(s.f().exists(StoreKeys.release(ReleaseId.of(id))), id + " kept by the policy");
        }
        assertTrue(s.f().exists(StoreKeys.release(ReleaseId.of(HostileContent.HUGE))));
    }

    @Test
    void aManifestWithAJunkAssetEntryProtectsTheAssetsAfterIt() {
        // Found by the hostile-content suite: GC's streaming reader stopped at the first element of "assets" that
        // was not an object, so the blobs of later entries were not roots. Now such a manifest is unreadable.
        GcFixture f = new GcFixture(new FileSystemStore(dir.resolve("junk"), true));
        Digest later = f.orphan("named after a junk entry");
        String json = "{\"format\":1,\"id\":\"j\",\"created\":\"2024-03-05T10:00:00Z\",\"assets\":[\"junk\",{\"path\":\"a\","
                + "\"servedPath\":\"a\",\"digest\":\"" + later.hex() + "\",\"size\":1,\"contentType\":\"text/plain\"}]}";
        f.store.compareAndSwap(StoreKeys.release(ReleaseId.of("j")), json.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.util.Optional.empty());
        for (int run = 0; run < 3; run++) {
            f.time.advance(Duration.ofHours(2));
            assertThrows(HoldfastException.class, () -> f.run(KEEP_ALL));
        }
        assertTrue(f.exists(later));
    }
}
