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
import io.holdfast.store.BlobStore;
import io.holdfast.store.ForwardingStore;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.fs.FileSystemStore;
import java.util.function.Consumer;
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
    void listsReadsAndOrdersReleases() {
        FileSystemStore fs = new FileSystemStore(tmp, true);
        for (String id : List.of("10", "9", "abc")) {
            commit(fs, StoreKeys.release(ReleaseId.of(id)), id);
        }
        // Commit times as the store reports them: 10 first, then 9, then abc.
        List<String> order = List.of("10", "9", "abc");
        BlobStore store = new ForwardingStore(fs) {
            @Override
            public void list(String prefix, Consumer<ObjectInfo> sink) {
                super.list(prefix, i -> sink.accept(new ObjectInfo(i.key(), i.size(),
                        Instant.EPOCH.plusSeconds(order.indexOf(StoreKeys.releaseIdIn(StoreKeys.RELEASES, i.key())
                                .map(ReleaseId::value).orElse("")) + 1L), i.version())));
            }
        };
        commit(fs, StoreKeys.retired(ReleaseId.of("3")), "3");
        fs.compareAndSwap("releases/not a valid id!.json", new byte[] {1}, Optional.empty());
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
