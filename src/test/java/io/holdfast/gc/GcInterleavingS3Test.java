package io.holdfast.gc;

import io.holdfast.store.BlobStore;
import io.holdfast.testing.S3TestServer;
import java.nio.file.Path;

/** GcInterleavingContract on the S3 store, on the in-process S3 server. */
class GcInterleavingS3Test extends GcInterleavingContract {
    @Override
    protected BlobStore openStore(Path dir) {
        return S3TestServer.shared().freshStore();
    }
}
