package io.holdfast.store.s3;

import io.holdfast.store.BlobStore;
import io.holdfast.store.BlobStoreContract;
import io.holdfast.testing.S3TestServer;

/** The contract on a real S3 server in this JVM (S3Proxy), with multipart from 5 MiB so large payloads use it. */
class S3ProxyStoreContractTest extends BlobStoreContract {
    @Override
    protected BlobStore openStore() {
        S3TestServer server = S3TestServer.shared();
        return S3Store.open(server.settings(server.freshConfig())
                .withMultipart(S3Settings.MIN_PART_SIZE, S3Settings.MIN_PART_SIZE), true);
    }
}
