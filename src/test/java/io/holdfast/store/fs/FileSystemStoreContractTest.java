package io.holdfast.store.fs;

import io.holdfast.store.BlobStore;
import io.holdfast.store.BlobStoreContract;

class FileSystemStoreContractTest extends BlobStoreContract {
    @Override
    protected BlobStore openStore() {
        return new FileSystemStore(scratch.resolve("store"), true);
    }
}
