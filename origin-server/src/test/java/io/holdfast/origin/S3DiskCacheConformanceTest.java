package io.holdfast.origin;

import io.holdfast.store.BlobStore;
import io.holdfast.testing.S3TestServer;
import java.nio.file.Path;
import java.util.Optional;

/** The conformance table on S3 (the in-process S3 server) with the disk cache for large blobs. */
class S3DiskCacheConformanceTest extends OriginConformanceTest {
    @Override
    BlobStore openStore(Path dir) {
        return S3TestServer.shared().freshStore();
    }

    @Override
    OriginConfig.Builder configure(OriginConfig.Builder b) {
        return b.diskCacheDir(Optional.of(tmp.resolve("disk-cache"))).diskCacheBytes(64L << 20);
    }
}
