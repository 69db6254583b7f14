package io.holdfast.gc;

import io.holdfast.store.BlobStore;
import io.holdfast.store.fs.FileSystemStore;
import java.nio.file.Path;

/** GcCrashPointContract on the filesystem store. */
class GcCrashPointFileSystemTest extends GcCrashPointContract {
    @Override
    protected BlobStore openStore(Path dir) {
        return new FileSystemStore(dir, true);
    }
}
