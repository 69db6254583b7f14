package io.holdfast.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.fs.FileSystemStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseCatalogTest {
    @TempDir
    Path tmp;

    private static void commit(FileSystemStore store, String key, String id) {
        ReleaseManifest m = new ReleaseManifest(ReleaseManifest.FORMAT, ReleaseId.of(id), Instant.EPOCH, null, List.of());
        store.compareAndSwap(key, Documents.encode(m), Optional.empty());
    }

    @Test
    void listsReadsAndOrdersReleases() throws Exception {
        FileSystemStore store = new FileSystemStore(tmp, true);
        for (String id : List.of("10", "9", "abc")) {
            commit(store, StoreKeys.release(ReleaseId.of(id)), id);
            Thread.sleep(5); // distinct store timestamps for the "newest" order, not synchronisation
        }
        commit(store, StoreKeys.retired(ReleaseId.of("3")), "3");
        store.compareAndSwap("releases/not a valid id!.json", new byte[] {1}, Optional.empty());
        ReleaseCatalog c = new ReleaseCatalog(store);
        assertEquals(List.of("9", "10", "abc"), c.committed().stream().map(e -> e.id().value()).toList());
        assertEquals(List.of("abc", "9"), c.newest(2).stream().map(e -> e.id().value()).toList());
        assertEquals(List.of("3"), c.retired().stream().map(e -> e.id().value()).toList());
        assertTrue(c.isCommitted(ReleaseId.of("9")));
        assertFalse(c.isCommitted(ReleaseId.of("3")));
        assertTrue(c.readRetired(ReleaseId.of("3")).isPresent());
        HoldfastException e = assertThrows(HoldfastException.class, () -> c.require(ReleaseId.of("3")));
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
        assertTrue(e.getMessage().contains("retired"));
        assertTrue(assertThrows(HoldfastException.class, () -> c.require(ReleaseId.of("4"))).getMessage().contains("not committed"));
    }

    @Test
    void aManifestUnderTheWrongKeyIsRefused() {
        FileSystemStore store = new FileSystemStore(tmp, true);
        commit(store, StoreKeys.release(ReleaseId.of("5")), "6");
        HoldfastException e = assertThrows(HoldfastException.class, () -> new ReleaseCatalog(store).read(ReleaseId.of("5")));
        assertEquals(ErrorKind.STORE_FAILED, e.kind());
    }
}
