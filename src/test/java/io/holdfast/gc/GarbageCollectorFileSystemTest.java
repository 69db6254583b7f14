package io.holdfast.gc;

import io.holdfast.store.BlobStore;
import io.holdfast.store.fs.FileSystemStore;
import java.nio.file.Path;

/** GarbageCollectorContract on the filesystem store. */
class GarbageCollectorFileSystemTest extends GarbageCollectorContract {
    @Override
    protected BlobStore openStore(Path dir) {
        return new FileSystemStore(dir, true);
    }
}
