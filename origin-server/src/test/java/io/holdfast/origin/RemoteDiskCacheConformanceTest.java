package io.holdfast.origin;

import io.holdfast.store.BlobStore;
import io.holdfast.store.fs.FileSystemStore;
import java.nio.file.Path;
import java.util.Optional;

/** The conformance table on a store without local files, with the disk cache for large blobs. */
class RemoteDiskCacheConformanceTest extends OriginConformanceTest {
    @Override
    BlobStore openStore(Path dir) {
        return new RemoteStore(new FileSystemStore(dir, true));
    }

    @Override
    OriginConfig.Builder configure(OriginConfig.Builder b) {
        return b.diskCacheDir(Optional.of(tmp.resolve("disk-cache"))).diskCacheBytes(64L << 20);
    }
}
