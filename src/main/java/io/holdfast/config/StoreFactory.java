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
import java.time.Duration;
import java.util.Optional;

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
        return open(config, forWriting, retries, Optional.empty());
    }

    /**
     * As {@link #open(StoreConfig, boolean, RetryLoop)}, with every S3 request bounded by {@code attemptTimeout}:
     * no call then takes longer than {@code retries.policy().maxElapsed()} plus one {@code attemptTimeout}.
     * (Filesystem calls have no timeout.)
     */
    public static BlobStore open(StoreConfig config, boolean forWriting, RetryLoop retries,
                                 Optional<Duration> attemptTimeout) {
        String uri = config.uri();
        if (config.isS3()) {
            S3Settings defaults = s3Settings(config);
            S3Settings settings = attemptTimeout.map(defaults::withAttemptTimeout).orElse(defaults);
            return new RetryingStore(retries.run("open", uri, attempt -> S3Store.open(settings, forWriting)), retries);
        }
        return new RetryingStore(new FileSystemStore(directory(uri), forWriting), retries);
    }

    /** The S3 settings of an {@code s3://} config, with default sizes and timeouts. */
    public static S3Settings s3Settings(StoreConfig config) {
        return S3Settings.of(config.uri(), config.endpoint(), config.region(), config.pathStyle(), config.accessKey(),
                config.secretKey());
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
