package io.holdfast.gc;

import io.holdfast.store.BlobStore;
import io.holdfast.testing.S3TestServer;
import java.nio.file.Path;

/** GcCrashPointContract on the S3 store, on the in-process S3 server. */
class GcCrashPointS3Test extends GcCrashPointContract {
    @Override
    protected BlobStore openStore(Path dir) {
        return S3TestServer.shared().freshStore();
    }

    /** The filesystem variant covers them; on S3 the GC's own crash points are what differ. */
    @Override
    protected boolean withPublishCrashPoints() {
        return false;
    }
}
