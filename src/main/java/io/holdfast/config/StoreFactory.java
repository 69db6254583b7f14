package io.holdfast.config;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.store.BlobStore;
import io.holdfast.store.fs.FileSystemStore;
import io.holdfast.store.s3.S3Settings;
import io.holdfast.store.s3.S3Store;
import java.net.URI;
import java.nio.file.Path;

/** Opens the store a {@link StoreConfig} names. */
public final class StoreFactory {
    private StoreFactory() {
    }

    /**
     * @param forWriting a filesystem store is created when missing (publish); readers get a clear error instead.
     *                   An S3 store opened for writing is checked to enforce conditional writes.
     */
    public static BlobStore open(StoreConfig config, boolean forWriting) {
        String uri = config.uri();
        if (config.isS3()) {
            return S3Store.open(S3Settings.from(config), forWriting);
        }
        if (uri.startsWith("file:")) {
            return new FileSystemStore(Path.of(URI.create(uri.startsWith("file://") ? uri : "file://" + uri.substring(5))), forWriting);
        }
        if (uri.contains("://")) {
            throw new HoldfastException(ErrorKind.USAGE, "unknown store URI scheme in '" + uri
                    + "': use a directory, file:/path or s3://bucket/prefix");
        }
        return new FileSystemStore(Path.of(uri), forWriting);
    }
}
