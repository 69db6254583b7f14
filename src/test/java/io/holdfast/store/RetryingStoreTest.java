package io.holdfast.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.error.ErrorKind;
import io.holdfast.store.fs.FileSystemStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RetryingStore over a real filesystem store, with faults scripted per call and time that never really passes. */
class RetryingStoreTest {
    @TempDir
    Path dir;

    private FileSystemStore real;
    private Scripted faults;
    private final List<Duration> sleeps = new ArrayList<>();
    private final AtomicLong now = new AtomicLong();
    private RetryingStore store;

    @BeforeEach
    void setUp() {
        real = new FileSystemStore(dir, true);
        faults = new Scripted(real);
        store = retrying(RetryLoop.Policy.defaults(), 1.0);
    }

    private RetryingStore retrying(RetryLoop.Policy policy, double jitter) {
        RetryLoop loop = new RetryLoop(policy, d -> {
            sleeps.add(d);
            now.addAndGet(d.toNanos());
        }, now::get, () -> jitter);
        return new RetryingStore(faults, loop);
    }

    @Test
    void retriesRetryableFailuresWithGrowingBackoff() {
        real.putIfAbsent("k", Payload.ofBytes(bytes("v")));
        faults.script(Fault.BEFORE, Fault.BEFORE, Fault.BEFORE);
        assertTrue(store.head("k").isPresent());
        assertEquals(List.of(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800)), sleeps,
                "full backoff when the jitter draws 1.0");
    }

    @Test
    void jitterKeepsAtLeastHalfTheBackoff() {
        store = retrying(RetryLoop.Policy.defaults(), 0.0);
        faults.script(Fault.BEFORE, Fault.BEFORE);
        store.head("k");
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), sleeps);
    }

    @Test
    void backoffIsCapped() {
        RetryLoop.Policy policy = new RetryLoop.Policy(10, Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofHours(1));
        assertEquals(Duration.ofSeconds(1), policy.backoff(1));
        assertEquals(Duration.ofSeconds(2), policy.backoff(2));
        assertEquals(Duration.ofSeconds(3), policy.backoff(3));
        assertEquals(Duration.ofSeconds(3), policy.backoff(60));
    }

    @Test
    void givesUpAfterMaxAttemptsKeepingTheKind() {
        faults.script(Fault.BEFORE, Fault.BEFORE, Fault.BEFORE, Fault.BEFORE, Fault.BEFORE);
        StoreException e = assertThrows(StoreException.class, () -> store.head("k"));
        assertEquals(ErrorKind.STORE_UNREACHABLE, e.kind());
        assertTrue(e.getMessage().endsWith("(gave up after 4 attempts)"), e.getMessage());
        assertEquals(4, faults.calls);
        assertEquals(3, sleeps.size());
    }

    @Test
    void givesUpWhenTheTimeBudgetIsSpent() {
        store = retrying(new RetryLoop.Policy(100, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(3)), 1.0);
        for (int i = 0; i < 100; i++) {
            faults.script(Fault.BEFORE);
        }
        assertThrows(StoreException.class, () -> store.head("k"));
        assertEquals(4, faults.calls, "attempts at 0 s, 1 s, 2 s and 3 s; the next would start after the 3 s budget");
    }

    @Test
    void nonRetryableFailuresAndConflictsPassStraightThrough() {
        faults.script(Fault.HARD);
        StoreException hard = assertThrows(StoreException.class, () -> store.head("k"));
        assertFalse(hard.retryable());
        assertEquals(1, faults.calls);

        store.compareAndSwap("d.json", bytes("1"), Optional.empty());
        assertThrows(ConflictException.class, () -> store.compareAndSwap("d.json", bytes("2"), Optional.empty()));
        assertEquals(List.of(), sleeps);
    }

    @Test
    void createOnlyWriteWhoseResponseWasLostIsSuccess() {
        Payload payload = Payload.ofBytes(bytes("blob content"));
        faults.script(Fault.AFTER);
        assertEquals(PutOutcome.CREATED, store.putIfAbsent("blobs/b", payload));
        assertEquals(3, faults.calls, "the lost put, the retried put, the head that checks it");
        assertArrayEquals(bytes("blob content"), real.read("blobs/b").orElseThrow().content());
    }

    @Test
    void retriedCreateOnlyWriteFindingOtherBytesIsReportedAsDamage() {
        real.putIfAbsent("blobs/b", Payload.ofBytes(bytes("something else entirely")));
        faults.script(Fault.BEFORE);
        StoreException e = assertThrows(StoreException.class,
                () -> store.putIfAbsent("blobs/b", Payload.ofBytes(bytes("blob content"))));
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("damaged"), e.getMessage());
    }

    @Test
    void falseAlreadyExistsOnRetryIsRetriedAgain() {
        Payload payload = Payload.ofBytes(bytes("blob content"));
        faults.script(Fault.BEFORE, Fault.FALSE_EXISTS);
        assertEquals(PutOutcome.CREATED, store.putIfAbsent("blobs/b", payload));
        assertTrue(real.head("blobs/b").isPresent());
    }

    @Test
    void firstAttemptAlreadyExistsIsNotChecked() {
        real.putIfAbsent("blobs/b", Payload.ofBytes(bytes("other size content")));
        assertEquals(PutOutcome.ALREADY_EXISTS, store.putIfAbsent("blobs/b", Payload.ofBytes(bytes("x"))));
        assertEquals(1, faults.calls);
    }

    @Test
    void compareAndSwapWhoseResponseWasLostIsSuccess() {
        ObjectInfo v1 = store.compareAndSwap("leases/p.json", bytes("renewal 1"), Optional.empty());
        faults.script(Fault.AFTER);
        ObjectInfo v2 = store.compareAndSwap("leases/p.json", bytes("renewal 2"), Optional.of(v1.version()));
        assertEquals(real.head("leases/p.json").orElseThrow(), v2);
        assertArrayEquals(bytes("renewal 2"), real.read("leases/p.json").orElseThrow().content());
    }

    @Test
    void createWhoseResponseWasLostIsSuccess() {
        faults.script(Fault.AFTER);
        ObjectInfo created = store.compareAndSwap("releases/7.json", bytes("manifest"), Optional.empty());
        assertEquals(real.head("releases/7.json").orElseThrow(), created);
    }

    @Test
    void retriedCompareAndSwapLosingToSomeoneElseIsAConflict() {
        ObjectInfo v1 = store.compareAndSwap("channels/web.json", bytes("a"), Optional.empty());
        faults.script(Fault.BEFORE);
        faults.beforeNext = () -> real.compareAndSwap("channels/web.json", bytes("someone else"), Optional.of(v1.version()));
        assertThrows(ConflictException.class,
                () -> store.compareAndSwap("channels/web.json", bytes("b"), Optional.of(v1.version())));
        assertArrayEquals(bytes("someone else"), real.read("channels/web.json").orElseThrow().content());
    }

    @Test
    void listingResumesAfterTheLastKeyDelivered() {
        for (int i = 0; i < 6; i++) {
            real.putIfAbsent("k" + i, Payload.ofBytes(bytes("" + i)));
        }
        faults.failListAfter = 3;
        List<String> seen = new ArrayList<>();
        store.list("k", info -> seen.add(info.key()));
        assertEquals(List.of("k0", "k1", "k2", "k3", "k4", "k5"), seen);
        assertEquals(1, sleeps.size());
    }

    @Test
    void sinkFailuresAreNotRetried() {
        real.putIfAbsent("k", Payload.ofBytes(bytes("v")));
        IllegalStateException boom = new IllegalStateException("sink failed");
        StoreException storeFailureInSink = new StoreException(ErrorKind.STORE_FAILED, "nested", true, null);
        assertSame(boom, assertThrows(IllegalStateException.class, () -> store.list("", info -> {
            throw boom;
        })));
        assertSame(storeFailureInSink, assertThrows(StoreException.class, () -> store.list("", info -> {
            throw storeFailureInSink;
        })));
        assertEquals(List.of(), sleeps);
    }

    @Test
    void interruptedBackoffStopsRetrying() {
        RetryLoop loop = new RetryLoop(RetryLoop.Policy.defaults(), d -> {
            throw new InterruptedException();
        }, now::get, () -> 1.0);
        store = new RetryingStore(faults, loop);
        faults.script(Fault.BEFORE);
        StoreException e = assertThrows(StoreException.class, () -> store.head("k"));
        assertFalse(e.retryable());
        assertTrue(Thread.interrupted(), "the interrupt is kept");
    }

    @Test
    void deletesAreRetriedWhole() {
        real.putIfAbsent("a", Payload.ofBytes(bytes("a")));
        faults.script(Fault.AFTER);
        store.delete(List.of("a", "b"));
        assertTrue(real.head("a").isEmpty());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private enum Fault {
        /** Fails before reaching the store (a refused connection). */
        BEFORE,
        /** Reaches the store, then fails (the response was lost). */
        AFTER,
        /** A non-retryable failure. */
        HARD,
        /** A create-only write answers "exists" without writing (a false 412). */
        FALSE_EXISTS
    }

    /** Applies the scripted fault to each call in turn; calls beyond the script pass. */
    private static final class Scripted extends ForwardingStore {
        private final Deque<Fault> script = new ArrayDeque<>();
        int calls;
        int failListAfter = -1;
        Runnable beforeNext;

        Scripted(BlobStore delegate) {
            super(delegate);
        }

        void script(Fault... faults) {
            script.addAll(List.of(faults));
        }

        private <T> T call(java.util.function.Supplier<T> op) {
            calls++;
            if (beforeNext != null) {
                Runnable r = beforeNext;
                beforeNext = null;
                r.run();
            }
            Fault fault = script.poll();
            if (fault == Fault.BEFORE) {
                throw new StoreException(ErrorKind.STORE_UNREACHABLE, "connection refused", true, null);
            }
            if (fault == Fault.HARD) {
                throw new StoreException(ErrorKind.STORE_ACCESS_DENIED, "denied", false, null);
            }
            T result = op.get();
            if (fault == Fault.AFTER) {
                throw new StoreException(ErrorKind.STORE_FAILED, "connection reset", true, null);
            }
            return result;
        }

        @Override
        public Optional<ObjectInfo> head(String key) {
            return call(() -> super.head(key));
        }

        @Override
        public Optional<Versioned> read(String key) {
            return call(() -> super.read(key));
        }

        @Override
        public PutOutcome putIfAbsent(String key, Payload payload) {
            if (script.peek() == Fault.FALSE_EXISTS) {
                script.poll();
                calls++;
                return PutOutcome.ALREADY_EXISTS;
            }
            return call(() -> super.putIfAbsent(key, payload));
        }

        @Override
        public ObjectInfo compareAndSwap(String key, byte[] content, Optional<String> expectedVersion) {
            return call(() -> super.compareAndSwap(key, content, expectedVersion));
        }

        @Override
        public void delete(Collection<String> keys) {
            call(() -> {
                super.delete(keys);
                return null;
            });
        }

        @Override
        public void list(String prefix, Consumer<ObjectInfo> sink) {
            int[] delivered = {0};
            int failAfter = failListAfter;
            failListAfter = -1;
            super.list(prefix, info -> {
                if (delivered[0]++ == failAfter) {
                    throw new StoreException(ErrorKind.STORE_FAILED, "connection reset", true, null);
                }
                sink.accept(info);
            });
        }
    }
}
