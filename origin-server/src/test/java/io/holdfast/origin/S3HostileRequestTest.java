package io.holdfast.origin;

import io.holdfast.store.BlobStore;
import io.holdfast.testing.S3TestServer;
import java.nio.file.Path;

/** Hostile requests against the in-process S3 server (large blobs and their ranges streamed from S3). */
class S3HostileRequestTest extends HostileRequestPropertyTest {
    @Override
    BlobStore openStore(Path dir) {
        return S3TestServer.shared().freshStore();
    }

    @Override
    int defaultIterations() {
        return 800;
    }
}
