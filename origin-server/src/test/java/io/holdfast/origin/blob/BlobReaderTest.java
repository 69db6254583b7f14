package io.holdfast.origin.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.holdfast.manifest.Digest;
import io.holdfast.origin.index.Representation;
import io.holdfast.origin.observe.OriginMetrics;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.fs.FileSystemStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Larger blobs of the filesystem store: verified once, then lent from the open file to every response. */
class BlobReaderTest {
    @TempDir
    Path dir;

    @Test
    void aVerifiedFileIsLentWithoutHashingAgainButNeverUnderAnotherSize() throws IOException {
        FileSystemStore fs = new FileSystemStore(dir.resolve("store"), true);
        byte[] bytes = new byte[200_000];
        new Random(7).nextBytes(bytes);
        Digest d = Digest.of(bytes);
        Path file = fs.file(StoreKeys.blob(d));
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        OpenFiles openFiles = new OpenFiles(10, 2, Duration.ofSeconds(1), Duration.ofMinutes(1), Clock.systemUTC());
        BlobReader blobs = new BlobReader(fs, 0, 0, openFiles, null, new OriginMetrics(new SimpleMeterRegistry()));
        Representation honest = new Representation(null, d, bytes.length, null);
        Representation liar = new Representation(null, d, bytes.length + 1, null);

        assertNull(blobs.verifiedFile(honest), "not verified yet: a worker thread hashes it first");
        Body body = blobs.open(honest);
        assertEquals(bytes.length, assertInstanceOf(Body.LocalFile.class, body).file().size());
        ((Body.LocalFile) body).file().close();
        try (OpenFiles.Lease held = blobs.verifiedFile(honest)) {
            assertNotNull(held, "held open after its verification");
        }
        // A manifest that gives the same blob another size gets no bytes of it: sending past the end would hang.
        assertNull(blobs.verifiedFile(liar));
        BlobUnavailableException e = assertThrows(BlobUnavailableException.class, () -> blobs.open(liar));
        assertEquals(BlobUnavailableException.Reason.CORRUPT, e.reason());
    }
}
