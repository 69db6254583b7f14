package io.holdfast.store;

import io.holdfast.manifest.Digest;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one storage interface. Keys are relative paths built only by {@link StoreKeys}. Implementations:
 * {@code store.fs.FileSystemStore} and {@code store.s3.S3Store}; decorators (retry, read-only, fault injection)
 * forward to another {@code BlobStore}.
 *
 * <p>All methods throw {@link StoreException} for store failures and {@link ConflictException} when a
 * conditional write loses. "Absent" is a normal answer ({@link Optional#empty()}), never an exception.
 */
public interface BlobStore extends AutoCloseable {

    /** Metadata of an object, or empty when it does not exist. */
    Optional<ObjectInfo> head(String key);

    /** Opens an object, or the given range of it (null for all); empty when it does not exist. */
    Optional<ObjectStream> get(String key, ByteRange range);

    /** Reads a small document whole, with the version to compare-and-swap it; empty when absent. */
    Optional<Versioned> read(String key);

    /**
     * Create-only upload. The store verifies the payload's SHA-256 and never exposes a partial object.
     * An existing key is left untouched and reported as {@link PutOutcome#ALREADY_EXISTS}.
     */
    PutOutcome putIfAbsent(String key, Payload payload);

    /**
     * Writes a small document only if its current version is {@code expectedVersion}, or, when that is
     * empty, only if the key does not exist. Returns the new object's info; its {@code lastModified} is
     * the store's clock at the write.
     *
     * @throws ConflictException when the condition does not hold
     */
    ObjectInfo compareAndSwap(String key, byte[] content, Optional<String> expectedVersion);

    /**
     * Calls {@code sink} for every object whose key starts with {@code prefix} (any string, not only up to a
     * {@code /}), in {@link StoreKeys#ORDER}, page by page.
     */
    void list(String prefix, Consumer<ObjectInfo> sink);

    /**
     * Deletes the keys (absent ones are fine). Not atomic: a failure may leave some deleted. S3 takes at most
     * {@link #MAX_DELETE_BATCH} keys per request; more are sent in several.
     */
    void delete(Collection<String> keys);

    /**
     * Optional capability: the local file that holds {@code key}, when the store keeps objects as files on this
     * machine (the filesystem store), so a reader can serve it zero-copy; empty for remote stores. The file may
     * not exist (then the object is absent). Callers only read it; decorators forward it.
     */
    default Optional<Path> localPath(String key) {
        return Optional.empty();
    }

    /** Whether blobs are files on this machine ({@link #localPath} answers for them), as in the filesystem store. */
    default boolean blobsAreLocalFiles() {
        return localPath(StoreKeys.blob(new Digest("0".repeat(64)))).isPresent();
    }

    /** A description for messages and logs, never containing credentials. */
    String describe();

    /** The most keys one S3 DeleteObjects request takes; callers that heartbeat between batches use this size. */
    int MAX_DELETE_BATCH = 1000;

    @Override
    default void close() {
    }
}
