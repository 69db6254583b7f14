package io.holdfast.cli;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ByteRange;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.ObjectStream;
import io.holdfast.store.Payload;
import io.holdfast.store.PutOutcome;
import io.holdfast.store.Versioned;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A store being opened on its own thread. Starting the S3 client and checking the store costs about a second of
 * class loading and a request; publish walks and hashes the tree meanwhile, and its first store call waits for the
 * opening. A failure to open (no bucket, wrong credentials) is thrown, unchanged, by every call.
 */
final class OpeningStore implements BlobStore {
    private final CompletableFuture<BlobStore> opening;
    private final String description;

    OpeningStore(Supplier<BlobStore> open, String description) {
        this.description = description;
        this.opening = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                opening.complete(open.get());
            } catch (Throwable e) {
                opening.completeExceptionally(e);
            }
        }, "holdfast-store-open");
        t.setDaemon(true);
        t.start();
    }

    private BlobStore store() {
        try {
            return opening.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new HoldfastException(ErrorKind.INTERNAL, "opening " + description + ": " + e.getCause(), e.getCause());
        }
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        return store().head(key);
    }

    @Override
    public Optional<ObjectStream> get(String key, ByteRange range) {
        return store().get(key, range);
    }

    @Override
    public Optional<Versioned> read(String key) {
        return store().read(key);
    }

    @Override
    public PutOutcome putIfAbsent(String key, Payload payload) {
        return store().putIfAbsent(key, payload);
    }

    @Override
    public ObjectInfo compareAndSwap(String key, byte[] content, Optional<String> expectedVersion) {
        return store().compareAndSwap(key, content, expectedVersion);
    }

    @Override
    public void list(String prefix, Consumer<ObjectInfo> sink) {
        store().list(prefix, sink);
    }

    @Override
    public void delete(Collection<String> keys) {
        store().delete(keys);
    }

    @Override
    public Optional<Path> localPath(String key) {
        return store().localPath(key);
    }

    @Override
    public String describe() {
        return opening.isDone() && !opening.isCompletedExceptionally() ? opening.join().describe() : description;
    }

    /** Waits for the opening to end, then closes what it opened. */
    @Override
    public void close() {
        BlobStore s;
        try {
            s = opening.join();
        } catch (CompletionException e) {
            return;
        }
        s.close();
    }
}
