package io.holdfast.publish;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Calls a lease's renewal check periodically while a publish runs. {@link #every} is the real one; tests pass
 * their own implementation and run the check by hand after moving their clock.
 */
@FunctionalInterface
public interface RenewalTimer {

    /** Starts calling {@code tick} until the returned handle is closed. */
    Handle start(Runnable tick);

    /** Stops the ticks. */
    interface Handle extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * A daemon thread that ticks at a fixed period. The tick only renews when a third of the lease has passed
     * (see {@link io.holdfast.lease.LeaseKeeper#renewIfDue()}), so the period only bounds how late a renewal can be.
     */
    static RenewalTimer every(Duration period) {
        return tick -> {
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "holdfast-lease-renewal");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(() -> {
                try {
                    tick.run();
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(RenewalTimer.class).warn("event=lease.tick_failed error=\"{}\"", e.toString());
                }
            }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
            return timer::shutdownNow;
        };
    }
}
