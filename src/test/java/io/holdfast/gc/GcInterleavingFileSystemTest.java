package io.holdfast.gc;

import io.holdfast.store.BlobStore;
import io.holdfast.store.fs.FileSystemStore;
import java.nio.file.Path;

/** GcInterleavingContract on the filesystem store. */
class GcInterleavingFileSystemTest extends GcInterleavingContract {
    @Override
    protected BlobStore openStore(Path dir) {
        return new FileSystemStore(dir, true);
    }
}
