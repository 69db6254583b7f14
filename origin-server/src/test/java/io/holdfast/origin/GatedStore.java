package io.holdfast.origin;

import io.holdfast.store.BlobStore;
import io.holdfast.store.ByteRange;
import io.holdfast.store.ForwardingStore;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.ObjectStream;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Counts the release listings and blob reads that reach the store, and can hold them at a gate so a test controls
 * exactly when they proceed (no sleeps).
 */
final class GatedStore extends ForwardingStore {
    final AtomicInteger releaseLists = new AtomicInteger();
    final AtomicInteger gets = new AtomicInteger();
    private volatile CountDownLatch listGate;
    private volatile CountDownLatch getGate;
    /** Released once per call that reached a gate. */
    final Semaphore arrivedAtGate = new Semaphore(0);

    GatedStore(BlobStore delegate) {
        super(delegate);
    }

    void holdLists() {
        listGate = new CountDownLatch(1);
    }

    void releaseLists() {
        CountDownLatch g = listGate;
        listGate = null;
        if (g != null) {
            g.countDown();
        }
    }

    void holdGets() {
        getGate = new CountDownLatch(1);
    }

    void releaseGets() {
        CountDownLatch g = getGate;
        getGate = null;
        if (g != null) {
            g.countDown();
        }
    }

    @Override
    public void list(String prefix, Consumer<ObjectInfo> sink) {
        if (prefix.equals("releases/")) {
            releaseLists.incrementAndGet();
            await(listGate);
        }
        super.list(prefix, sink);
    }

    @Override
    public Optional<ObjectStream> get(String key, ByteRange range) {
        gets.incrementAndGet();
        await(getGate);
        return super.get(key, range);
    }

    @Override
    public Optional<java.nio.file.Path> localPath(String key) {
        return Optional.empty();
    }

    private void await(CountDownLatch gate) {
        if (gate == null) {
            return;
        }
        arrivedAtGate.release();
        try {
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
