package io.holdfast.origin;

import io.holdfast.store.BlobStore;
import io.holdfast.store.fs.FileSystemStore;
import java.nio.file.Path;

/** Hostile requests against the filesystem store (large blobs sent zero-copy from files). */
class FileSystemHostileRequestTest extends HostileRequestPropertyTest {
    @Override
    BlobStore openStore(Path dir) {
        return new FileSystemStore(dir, true);
    }

    @Override
    int defaultIterations() {
        return 3000;
    }
}
