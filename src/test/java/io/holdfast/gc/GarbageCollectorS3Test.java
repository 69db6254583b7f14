package io.holdfast.gc;

import io.holdfast.store.BlobStore;
import io.holdfast.testing.S3TestServer;
import java.nio.file.Path;

/** GarbageCollectorContract on the S3 store, on the in-process S3 server. */
class GarbageCollectorS3Test extends GarbageCollectorContract {
    @Override
    protected BlobStore openStore(Path dir) {
        return S3TestServer.shared().freshStore();
    }
}
