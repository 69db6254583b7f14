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
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Larger blobs of the filesystem store: verified once, then lent from the open file to every response. */
class BlobReaderTest {
    private final byte[] bytes = new byte[200_000];
    private Digest digest;
    private FileSystemStore fs;
    /** The blob's file in the store. */
    private Path file;

    @BeforeEach
    void storeABlob(@TempDir Path dir) throws IOException {
        new Random(7).nextBytes(bytes);
        digest = Digest.of(bytes);
        fs = new FileSystemStore(dir.resolve("store"), true);
        file = fs.file(StoreKeys.blob(digest));
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    /** A reader without a memory cache, holding files open in at most {@code maxDescriptors} descriptors. */
    private BlobReader reader(int maxDescriptors) {
        OpenFiles openFiles = new OpenFiles(maxDescriptors, 2, Duration.ofSeconds(1), Duration.ofMinutes(1), Clock.systemUTC());
        return new BlobReader(fs, 0, 0, openFiles, null, new OriginMetrics(new SimpleMeterRegistry()));
    }

    @Test
    void aVerifiedFileIsLentWithoutHashingAgainButNeverUnderAnotherSize() throws IOException {
        BlobReader blobs = reader(10);
        Representation honest = new Representation(null, digest, bytes.length, null);
        Representation liar = new Representation(null, digest, bytes.length + 1, null);

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

    /**
     * With more hot files than may be held open, a file is opened again for each response but hashed once per
     * version: other bytes of the same size written behind the store's back, with the old modification time, are
     * taken for the verified file (the one change a version cannot tell).
     */
    @Test
    void aFileThatCannotBeHeldOpenIsHashedOncePerVersion() throws IOException {
        BlobReader blobs = reader(0);
        Representation rep = new Representation(null, digest, bytes.length, null);

        ((Body.LocalFile) blobs.open(rep)).file().close();
        FileTime verifiedAt = Files.getLastModifiedTime(file);
        byte[] other = bytes.clone();
        other[0] ^= 1;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(other, 0, 1), 0);
        }
        Files.setLastModifiedTime(file, verifiedAt);
        try (OpenFiles.Lease again = blobs.verifiedFile(rep)) {
            assertNotNull(again, "opened again on the I/O thread, without a worker");
        }
        ((Body.LocalFile) blobs.open(rep)).file().close(); // not hashed again: no CORRUPT

        Files.setLastModifiedTime(file, FileTime.fromMillis(verifiedAt.toMillis() + 1000));
        assertNull(blobs.verifiedFile(rep), "a new version is hashed first");
        assertEquals(BlobUnavailableException.Reason.CORRUPT,
                assertThrows(BlobUnavailableException.class, () -> blobs.open(rep)).reason());
    }
}
