package io.holdfast.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.store.BlobStore;
import io.holdfast.store.RetryingStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreFactoryTest {
    @TempDir
    Path dir;

    @Test
    void opensDirectoriesAndFileUris() {
        Path spaced = dir.resolve("my store ü");
        try (BlobStore a = StoreFactory.open(StoreConfig.of(spaced.toString()), true);
             BlobStore b = StoreFactory.open(StoreConfig.of("file:" + spaced), false);
             BlobStore c = StoreFactory.open(StoreConfig.of(spaced.toUri().toString()), false)) {
            assertInstanceOf(RetryingStore.class, a);
            assertEquals("file:" + spaced, a.describe());
            assertEquals(a.describe(), b.describe());
            assertEquals(a.describe(), c.describe());
        }
        assertEquals(true, Files.isDirectory(spaced));
    }

    @Test
    void readersOfAMissingDirectoryGetNotFound() {
        HoldfastException e = assertThrows(HoldfastException.class,
                () -> StoreFactory.open(StoreConfig.of(dir.resolve("nope").toString()), false));
        assertEquals(ErrorKind.STORE_NOT_FOUND, e.kind());
    }

    @Test
    void unknownSchemesAreUsageErrors() {
        for (String uri : new String[] {"ftp://host/x", "gs://bucket/x", "file://otherhost/x", "s3://B/x"}) {
            HoldfastException e = assertThrows(HoldfastException.class, () -> StoreFactory.open(StoreConfig.of(uri), false), uri);
            assertEquals(ErrorKind.USAGE, e.kind(), uri);
        }
    }
}
