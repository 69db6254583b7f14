package io.holdfast.testing;

import io.holdfast.store.BlobStore;
import io.holdfast.store.ByteRange;
import io.holdfast.store.ForwardingStore;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.ObjectStream;
import io.holdfast.store.Payload;
import io.holdfast.store.PutOutcome;
import io.holdfast.store.Versioned;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Lets a test stop one actor at an exact store call: give each actor (a GC, a publisher) its own wrapper over the
 * shared store and {@link #pauseBefore} / {@link #pauseAfter} the call to hold. Every pause fires once.
 */
public final class InterceptingStore extends ForwardingStore {

    /** Store operations, as they appear in the FaultInjectingStore log too. */
    public enum Op { HEAD, GET, READ, PUT, CAS, LIST, DELETE }

    private record Rule(Op op, Predicate<String> key, boolean after, Pause pause) {
    }

    private final List<Rule> rules = new CopyOnWriteArrayList<>();

    public InterceptingStore(BlobStore delegate) {
        super(delegate);
    }

    /** Holds the first matching call before it reaches the store. Keys match by prefix. */
    public Pause pauseBefore(Op op, String keyPrefix) {
        return add(op, k -> k.startsWith(keyPrefix), false);
    }

    /** Holds the first matching call after the store answered, before the caller sees the answer. */
    public Pause pauseAfter(Op op, String keyPrefix) {
        return add(op, k -> k.startsWith(keyPrefix), true);
    }

    public Pause pauseAfter(Op op, Predicate<String> key) {
        return add(op, key, true);
    }

    private Pause add(Op op, Predicate<String> key, boolean after) {
        Pause p = new Pause(op + (after ? " (after)" : " (before)"));
        rules.add(new Rule(op, key, after, p));
        return p;
    }

    private void fire(Op op, String key, boolean after) {
        for (Rule r : rules) {
            if (r.op == op && r.after == after && r.key.test(key) && rules.remove(r)) {
                r.pause.hold();
            }
        }
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        fire(Op.HEAD, key, false);
        Optional<ObjectInfo> r = super.head(key);
        fire(Op.HEAD, key, true);
        return r;
    }

    @Override
    public Optional<ObjectStream> get(String key, ByteRange range) {
        fire(Op.GET, key, false);
        Optional<ObjectStream> r = super.get(key, range);
        fire(Op.GET, key, true);
        return r;
    }

    @Override
    public Optional<Versioned> read(String key) {
        fire(Op.READ, key, false);
        Optional<Versioned> r = super.read(key);
        fire(Op.READ, key, true);
        return r;
    }

    @Override
    public PutOutcome putIfAbsent(String key, Payload payload) {
        fire(Op.PUT, key, false);
        PutOutcome r = super.putIfAbsent(key, payload);
        fire(Op.PUT, key, true);
        return r;
    }

    @Override
    public ObjectInfo compareAndSwap(String key, byte[] content, Optional<String> expectedVersion) {
        fire(Op.CAS, key, false);
        ObjectInfo r = super.compareAndSwap(key, content, expectedVersion);
        fire(Op.CAS, key, true);
        return r;
    }

    @Override
    public void list(String prefix, Consumer<ObjectInfo> sink) {
        fire(Op.LIST, prefix, false);
        super.list(prefix, sink);
        fire(Op.LIST, prefix, true);
    }

    @Override
    public void delete(Collection<String> keys) {
        String first = keys.isEmpty() ? "" : keys.iterator().next();
        fire(Op.DELETE, first, false);
        super.delete(keys);
        fire(Op.DELETE, first, true);
    }

    /** A point where one actor stops until the test lets it go. */
    public static final class Pause {
        private final String what;
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch proceed = new CountDownLatch(1);

        Pause(String what) {
            this.what = what;
        }

        void hold() {
            reached.countDown();
            try {
                if (!proceed.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("test never released the pause at " + what);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Waits until the actor is held here. */
        public void awaitReached() throws InterruptedException {
            if (!reached.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the actor never reached " + what);
            }
        }

        public boolean reached() {
            return reached.getCount() == 0;
        }

        public void release() {
            proceed.countDown();
        }
    }
}
