package io.holdfast.gc;

import io.holdfast.store.BlobStore;
import io.holdfast.store.fs.FileSystemStore;
import java.nio.file.Path;

/** GcStressContract on the filesystem store. */
class GcStressFileSystemTest extends GcStressContract {
    @Override
    protected BlobStore openStore(Path dir) {
        return new FileSystemStore(dir, true);
    }
}
