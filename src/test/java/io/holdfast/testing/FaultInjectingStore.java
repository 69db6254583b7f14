package io.holdfast.testing;

import io.holdfast.error.ErrorKind;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ByteRange;
import io.holdfast.store.ForwardingStore;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.ObjectStream;
import io.holdfast.store.Payload;
import io.holdfast.store.PutOutcome;
import io.holdfast.store.StoreException;
import io.holdfast.store.Versioned;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Counts every store call and fails the k-th one (1-based) with a non-retryable store error, before it reaches
 * the real store. {@code failAt = 0} never fails: use it to count the calls of a run, then rerun for every k.
 */
public final class FaultInjectingStore extends ForwardingStore {
    private final int failAt;
    private final AtomicInteger calls = new AtomicInteger();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    public FaultInjectingStore(BlobStore delegate, int failAt) {
        super(delegate);
        this.failAt = failAt;
    }

    public int calls() {
        return calls.get();
    }

    /** Every call as "op key", in order. */
    public List<String> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    private void step(String op, String key) {
        int n = calls.incrementAndGet();
        log.add(op + " " + key);
        if (n == failAt) {
            throw new StoreException(ErrorKind.STORE_FAILED, "injected fault at call " + n + " (" + op + " " + key + ")");
        }
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        step("head", key);
        return super.head(key);
    }

    @Override
    public Optional<ObjectStream> get(String key, ByteRange range) {
        step("get", key);
        return super.get(key, range);
    }

    @Override
    public Optional<Versioned> read(String key) {
        step("read", key);
        return super.read(key);
    }

    @Override
    public PutOutcome putIfAbsent(String key, Payload payload) {
        step("put", key);
        return super.putIfAbsent(key, payload);
    }

    @Override
    public ObjectInfo compareAndSwap(String key, byte[] content, Optional<String> expectedVersion) {
        step("cas", key);
        return super.compareAndSwap(key, content, expectedVersion);
    }

    @Override
    public void list(String prefix, Consumer<ObjectInfo> sink) {
        step("list", prefix);
        super.list(prefix, sink);
    }

    @Override
    public void delete(Collection<String> keys) {
        step("delete", String.join(",", keys));
        super.delete(keys);
    }
}
