package io.holdfast.origin;

import io.holdfast.store.BlobStore;
import io.holdfast.testing.S3TestServer;
import java.nio.file.Path;

/** The conformance table on S3 (the in-process S3 server), large blobs streamed from S3. */
class S3ConformanceTest extends OriginConformanceTest {
    @Override
    BlobStore openStore(Path dir) {
        return S3TestServer.shared().freshStore();
    }
}
