package io.holdfast.gc;

import java.time.Duration;

/**
 * Timing and sizing of a GC run (not retention policy).
 *
 * @param deadline       how long the run's claim on {@code gc/state} lasts after each heartbeat; publishers wait for
 *                       a running GC only until then
 * @param heartbeatEvery how often the claim is renewed while working
 * @param stopMargin     no store write is issued later than {@code deadline - stopMargin} after the last heartbeat
 *                       was sent; must exceed the longest store request including retries
 * @param takeoverMargin a run is taken over only this long after its deadline passed
 * @param readThreads    manifests read in parallel
 * @param deleteBatch    keys per delete request (at most 1000, S3's DeleteObjects limit)
 */
public record GcSettings(Duration deadline, Duration heartbeatEvery, Duration stopMargin, Duration takeoverMargin,
                         int readThreads, int deleteBatch) {
    public static final GcSettings DEFAULT = new GcSettings(Duration.ofMinutes(3), Duration.ofSeconds(30),
            Duration.ofSeconds(45), Duration.ofMinutes(1), 8, 1000);

    public GcSettings {
        if (stopMargin.compareTo(deadline) >= 0 || heartbeatEvery.compareTo(deadline.minus(stopMargin)) >= 0) {
            throw new IllegalArgumentException("GC timing must satisfy heartbeatEvery < deadline - stopMargin: " + deadline
                    + ", " + heartbeatEvery + ", " + stopMargin);
        }
        if (readThreads < 1 || deleteBatch < 1 || deleteBatch > 1000) {
            throw new IllegalArgumentException("readThreads >= 1 and 1 <= deleteBatch <= 1000");
        }
    }
}
