package io.holdfast.origin;

import io.holdfast.store.BlobStore;
import io.holdfast.store.ForwardingStore;
import java.nio.file.Path;
import java.util.Optional;

/** A store without local files, as S3 is: the origin must load, stream or disk-cache its blobs. */
final class RemoteStore extends ForwardingStore {
    RemoteStore(BlobStore delegate) {
        super(delegate);
    }

    @Override
    public Optional<Path> localPath(String key) {
        return Optional.empty();
    }
}
