package io.holdfast.store;

import java.time.Instant;
import java.util.Objects;

/**
 * What a store knows of one object without reading it.
 *
 * @param key          the key relative to the store root (see {@link StoreKeys})
 * @param size         bytes
 * @param lastModified the store's own timestamp of the last write: GC ages and lease expiry use it, never local clocks
 * @param version      an opaque token that changes on every write (S3 ETag, file mtime+size+inode); used for compare-and-swap
 */
public record ObjectInfo(String key, long size, Instant lastModified, String version) {
    public ObjectInfo {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(lastModified, "lastModified");
        Objects.requireNonNull(version, "version");
    }
}
