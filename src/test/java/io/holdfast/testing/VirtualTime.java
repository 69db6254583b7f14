package io.holdfast.testing;

import io.holdfast.store.BlobStore;
import io.holdfast.store.ByteRange;
import io.holdfast.store.ForwardingStore;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.ObjectStream;
import io.holdfast.store.Payload;
import io.holdfast.store.PutOutcome;
import io.holdfast.store.Versioned;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Time that tests can move forward without sleeping. {@link #advance} jumps the store's clock and the processes'
 * clocks together: objects written through {@link #store} afterwards carry timestamps shifted by the total
 * advance, objects written before keep theirs (so they look older), and {@link #clock()} moves by the same amount.
 * Leases expire, grace periods pass and GC deadlines run out exactly when a test says so.
 */
public final class VirtualTime {
    private final AtomicLong offsetMillis = new AtomicLong();
    private final Instant base = Instant.now();
    private final long baseNanos = System.nanoTime();

    public void advance(Duration d) {
        offsetMillis.addAndGet(d.toMillis());
    }

    public Duration offset() {
        return Duration.ofMillis(offsetMillis.get());
    }

    /** A monotonic clock that includes every advance. */
    public Clock clock() {
        return new Clock() {
            @Override
            public Instant instant() {
                return base.plusNanos(System.nanoTime() - baseNanos).plusMillis(offsetMillis.get());
            }

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }
        };
    }

    /** Wraps the store shared by every actor of a test; use one wrapper per store. */
    public BlobStore store(BlobStore delegate) {
        return new ShiftedStore(delegate);
    }

    private final class ShiftedStore extends ForwardingStore {
        /** The advance in effect when each key was last written through this wrapper. */
        private final Map<String, Long> writtenAt = new ConcurrentHashMap<>();

        ShiftedStore(BlobStore delegate) {
            super(delegate);
        }

        private ObjectInfo shift(ObjectInfo info) {
            long ms = writtenAt.getOrDefault(info.key(), 0L);
            return ms == 0 ? info : new ObjectInfo(info.key(), info.size(), info.lastModified().plusMillis(ms), info.version());
        }

        @Override
        public Optional<ObjectInfo> head(String key) {
            return super.head(key).map(this::shift);
        }

        @Override
        public Optional<ObjectStream> get(String key, ByteRange range) {
            return super.get(key, range).map(s -> new ObjectStream(shift(s.info()), s.range(), s.body()));
        }

        @Override
        public Optional<Versioned> read(String key) {
            return super.read(key).map(v -> new Versioned(v.content(), shift(v.info())));
        }

        @Override
        public PutOutcome putIfAbsent(String key, Payload payload) {
            long ms = offsetMillis.get();
            PutOutcome outcome = super.putIfAbsent(key, payload);
            if (outcome == PutOutcome.CREATED) {
                writtenAt.put(key, ms);
            }
            return outcome;
        }

        @Override
        public ObjectInfo compareAndSwap(String key, byte[] content, Optional<String> expectedVersion) {
            long ms = offsetMillis.get();
            ObjectInfo info = super.compareAndSwap(key, content, expectedVersion);
            writtenAt.put(key, ms);
            return shift(info);
        }

        @Override
        public void list(String prefix, Consumer<ObjectInfo> sink) {
            super.list(prefix, info -> sink.accept(shift(info)));
        }

        @Override
        public void delete(Collection<String> keys) {
            super.delete(keys);
            keys.forEach(writtenAt::remove);
        }
    }
}
