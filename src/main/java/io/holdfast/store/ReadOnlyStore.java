package io.holdfast.store;

import io.holdfast.error.ErrorKind;
import java.util.Collection;
import java.util.Optional;

/** Refuses every write: what the origin gets when its access reports are switched off. */
public final class ReadOnlyStore extends ForwardingStore {
    public ReadOnlyStore(BlobStore delegate) {
        super(delegate);
    }

    @Override
    public PutOutcome putIfAbsent(String key, Payload payload) {
        throw refused(key);
    }

    @Override
    public ObjectInfo compareAndSwap(String key, byte[] content, Optional<String> expectedVersion) {
        throw refused(key);
    }

    @Override
    public void delete(Collection<String> keys) {
        throw refused(keys.isEmpty() ? "" : keys.iterator().next());
    }

    private StoreException refused(String key) {
        return new StoreException(ErrorKind.STORE_ACCESS_DENIED, "store " + describe() + " is read-only here; refused write of " + key);
    }
}
