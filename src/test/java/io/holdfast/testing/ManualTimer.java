package io.holdfast.testing;

import io.holdfast.publish.RenewalTimer;
import java.util.concurrent.atomic.AtomicReference;

/** A lease renewal timer that ticks only when the test says so. */
public final class ManualTimer implements RenewalTimer {
    private final AtomicReference<Runnable> current = new AtomicReference<>();
    private volatile int started;

    @Override
    public Handle start(Runnable tick) {
        current.set(tick);
        started++;
        return () -> current.compareAndSet(tick, null);
    }

    /** Runs the renewal check of the running publish, if one is running. */
    public void tick() {
        Runnable r = current.get();
        if (r != null) {
            r.run();
        }
    }

    /** How many leases were timed (one per publish attempt). */
    public int started() {
        return started;
    }
}
