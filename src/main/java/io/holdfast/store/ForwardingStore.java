package io.holdfast.store;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A store that forwards every call to another: the base of decorators (retry, read-only, fault injection,
 * request counting). Override only what the decorator changes.
 */
public abstract class ForwardingStore implements BlobStore {
    protected final BlobStore delegate;

    protected ForwardingStore(BlobStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        return delegate.head(key);
    }

    @Override
    public Optional<ObjectStream> get(String key, ByteRange range) {
        return delegate.get(key, range);
    }

    @Override
    public Optional<Versioned> read(String key) {
        return delegate.read(key);
    }

    @Override
    public PutOutcome putIfAbsent(String key, Payload payload) {
        return delegate.putIfAbsent(key, payload);
    }

    @Override
    public ObjectInfo compareAndSwap(String key, byte[] content, Optional<String> expectedVersion) {
        return delegate.compareAndSwap(key, content, expectedVersion);
    }

    @Override
    public void list(String prefix, Consumer<ObjectInfo> sink) {
        delegate.list(prefix, sink);
    }

    @Override
    public void delete(Collection<String> keys) {
        delegate.delete(keys);
    }

    @Override
    public Optional<Path> localPath(String key) {
        return delegate.localPath(key);
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
