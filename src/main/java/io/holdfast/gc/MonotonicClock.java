package io.holdfast.gc;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that never jumps: the wall time at creation plus {@link System#nanoTime()} since. GC measures how long
 * ago it sent its last heartbeat with it, so a wall clock stepped backwards cannot stretch its deadline.
 */
public final class MonotonicClock extends Clock {
    private final Instant base;
    private final long baseNanos;

    private MonotonicClock(Instant base, long baseNanos) {
        this.base = base;
        this.baseNanos = baseNanos;
    }

    public static MonotonicClock start() {
        return new MonotonicClock(Instant.now(), System.nanoTime());
    }

    @Override
    public Instant instant() {
        return base.plusNanos(System.nanoTime() - baseNanos);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
