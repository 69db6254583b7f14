package io.holdfast.config;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.store.BlobStore;
import io.holdfast.store.RetryLoop;
import io.holdfast.store.RetryingStore;
import io.holdfast.store.fs.FileSystemStore;
import io.holdfast.store.s3.S3Settings;
import io.holdfast.store.s3.S3Store;
import java.net.URI;
import java.nio.file.Path;

/** Opens the store a {@link StoreConfig} names, wrapped in a {@link RetryingStore}. */
public final class StoreFactory {
    private StoreFactory() {
    }

    /**
     * @param forWriting a filesystem store is created when missing (publish); readers get a clear error instead.
     *                   An S3 store opened for writing is checked to enforce conditional writes.
     */
    public static BlobStore open(StoreConfig config, boolean forWriting) {
        return open(config, forWriting, RetryLoop.defaults());
    }

    /** As {@link #open(StoreConfig, boolean)}, retrying (the opening too) as {@code retries} says. */
    public static BlobStore open(StoreConfig config, boolean forWriting, RetryLoop retries) {
        String uri = config.uri();
        if (config.isS3()) {
            S3Settings settings = S3Settings.from(config);
            return new RetryingStore(retries.run("open", uri, attempt -> S3Store.open(settings, forWriting)), retries);
        }
        return new RetryingStore(new FileSystemStore(directory(uri), forWriting), retries);
    }

    private static Path directory(String uri) {
        try {
            if (uri.startsWith("file://")) {
                return Path.of(URI.create(uri));
            }
            if (uri.startsWith("file:")) {
                return Path.of(uri.substring("file:".length()));
            }
            if (uri.contains("://")) {
                throw new HoldfastException(ErrorKind.USAGE, "unknown store URI scheme in '" + uri
                        + "': use a directory, file:/path or s3://bucket/prefix");
            }
            return Path.of(uri);
        } catch (IllegalArgumentException e) { // InvalidPathException too
            throw new HoldfastException(ErrorKind.USAGE, "invalid store location '" + uri + "' (--store): " + e.getMessage());
        }
    }
}
