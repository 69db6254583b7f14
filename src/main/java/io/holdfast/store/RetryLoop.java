package io.holdfast.store;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a store call again after a retryable {@link StoreException}, with bounded exponential backoff and
 * "equal jitter" (between half and all of the backoff, so many clients spread out). Anything else, and the last
 * failure once the attempts or the time budget are spent, goes to the caller. Time and sleeping are injected.
 */
public final class RetryLoop {
    private static final Logger log = LoggerFactory.getLogger(RetryLoop.class);

    /**
     * @param maxAttempts  attempts per call, the first included
     * @param initialDelay the backoff before the second attempt; it doubles per attempt
     * @param maxDelay     the cap of one backoff
     * @param maxElapsed   no attempt starts later than this after the first one began (each attempt is itself
     *                     bounded by the store's request timeouts: see docs/STORAGE.md for the worst case)
     */
    public record Policy(int maxAttempts, Duration initialDelay, Duration maxDelay, Duration maxElapsed) {
        public Policy {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
            }
        }

        /** Four attempts, about 0.2 s, 0.4 s and 0.8 s apart, none starting after 30 s. */
        public static Policy defaults() {
            return new Policy(4, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(30));
        }

        /** The backoff after the given failed attempt (1-based), before jitter. */
        public Duration backoff(int attempt) {
            long nanos = initialDelay.toNanos();
            for (int i = 1; i < attempt && nanos < maxDelay.toNanos(); i++) {
                nanos *= 2;
            }
            return Duration.ofNanos(Math.min(nanos, maxDelay.toNanos()));
        }
    }

    /** Waits; tests pass one that records the delays and returns at once. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final Policy policy;
    private final Sleeper sleeper;
    private final LongSupplier nanoTime;
    private final DoubleSupplier random;

    /**
     * @param nanoTime a monotonic clock (only differences are used)
     * @param random   values in [0, 1) for jitter
     */
    public RetryLoop(Policy policy, Sleeper sleeper, LongSupplier nanoTime, DoubleSupplier random) {
        this.policy = policy;
        this.sleeper = sleeper;
        this.nanoTime = nanoTime;
        this.random = random;
    }

    /** The default policy, real sleeping, the monotonic clock and random jitter. */
    public static RetryLoop defaults() {
        return new RetryLoop(Policy.defaults(), d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000),
                System::nanoTime, () -> ThreadLocalRandom.current().nextDouble());
    }

    public Policy policy() {
        return policy;
    }

    /**
     * @param op   for the log line, e.g. "put"
     * @param key  for the log line
     * @param call the call; it gets the attempt number (1-based) so it can tell a retry from a first try
     */
    public <T> T run(String op, String key, IntFunction<T> call) {
        long start = nanoTime.getAsLong();
        for (int attempt = 1; ; attempt++) {
            try {
                return call.apply(attempt);
            } catch (StoreException e) {
                if (!e.retryable()) {
                    throw e;
                }
                Duration backoff = jittered(policy.backoff(attempt));
                Duration elapsed = Duration.ofNanos(nanoTime.getAsLong() - start);
                if (attempt >= policy.maxAttempts() || elapsed.plus(backoff).compareTo(policy.maxElapsed()) > 0) {
                    if (attempt == 1) {
                        throw e;
                    }
                    throw new StoreException(e.kind(), e.getMessage() + " (gave up after " + attempt
                            + " attempts)", true, e);
                }
                log.info("event=store_retry op={} key={} attempt={} backoff_ms={} error=\"{}\"", op, key, attempt,
                        backoff.toMillis(), e.getMessage());
                try {
                    sleeper.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new StoreException(e.kind(), e.getMessage() + " (interrupted while waiting to retry)", false, e);
                }
            }
        }
    }

    private Duration jittered(Duration backoff) {
        long half = backoff.toNanos() / 2;
        return Duration.ofNanos(half + (long) (random.getAsDouble() * (backoff.toNanos() - half)));
    }
}
