package io.holdfast.testing;

import io.holdfast.store.BlobStore;
import io.holdfast.store.ByteRange;
import io.holdfast.store.ForwardingStore;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.ObjectStream;
import io.holdfast.store.Payload;
import io.holdfast.store.PutOutcome;
import io.holdfast.store.Versioned;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Records every store call as "op key" so tests can count requests by kind and key prefix. */
public final class CountingStore extends ForwardingStore {
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    public CountingStore(BlobStore delegate) {
        super(delegate);
    }

    /** Calls whose op is {@code op} (head, get, read, put, cas, list, delete) and whose key starts with {@code prefix}. */
    public long count(String op, String prefix) {
        synchronized (calls) {
            return calls.stream().filter(c -> c.startsWith(op + " " + prefix)).count();
        }
    }

    public List<String> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    public void reset() {
        calls.clear();
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        calls.add("head " + key);
        return super.head(key);
    }

    @Override
    public Optional<ObjectStream> get(String key, ByteRange range) {
        calls.add("get " + key);
        return super.get(key, range);
    }

    @Override
    public Optional<Versioned> read(String key) {
        calls.add("read " + key);
        return super.read(key);
    }

    @Override
    public PutOutcome putIfAbsent(String key, Payload payload) {
        calls.add("put " + key);
        return super.putIfAbsent(key, payload);
    }

    @Override
    public ObjectInfo compareAndSwap(String key, byte[] content, Optional<String> expectedVersion) {
        calls.add("cas " + key);
        return super.compareAndSwap(key, content, expectedVersion);
    }

    @Override
    public void list(String prefix, Consumer<ObjectInfo> sink) {
        calls.add("list " + prefix);
        super.list(prefix, sink);
    }

    @Override
    public void delete(Collection<String> keys) {
        keys.forEach(k -> calls.add("delete " + k));
        super.delete(keys);
    }
}
