package io.holdfast.origin;

import io.holdfast.store.BlobStore;
import io.holdfast.store.fs.FileSystemStore;
import java.nio.file.Path;

/** The conformance table on the filesystem store: small blobs from memory, large ones zero-copy from files. */
class FileSystemConformanceTest extends OriginConformanceTest {
    @Override
    BlobStore openStore(Path dir) {
        return new FileSystemStore(dir, true);
    }
}
