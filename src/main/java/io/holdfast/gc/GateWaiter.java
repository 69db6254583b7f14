package io.holdfast.gc;

import io.holdfast.manifest.GcState;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/** How a writer waits while a GC run holds the store (publish protocol step 2). */
@FunctionalInterface
public interface GateWaiter {

    /**
     * Called while {@code state} is running and its deadline has not passed; returns when the writer should read
     * {@code gc/state} again.
     *
     * @param now the writer's latest store time (its lease's timestamp)
     */
    void await(GcState state, Instant deadline, Instant now) throws InterruptedException;

    /** Sleeps with backoff (1 s doubling to 10 s, never past the deadline) and says why, once per run waited for. */
    static GateWaiter sleeping(Consumer<String> say) {
        return new GateWaiter() {
            private String announced;
            private long backoffMillis = 1000;

            @Override
            public void await(GcState state, Instant deadline, Instant now) throws InterruptedException {
                if (!String.valueOf(state.runId()).equals(announced)) {
                    announced = String.valueOf(state.runId());
                    backoffMillis = 1000;
                    say.accept("waiting for GC run " + state.runId() + " (deadline " + deadline + ")");
                }
                long untilDeadline = Math.max(1, Duration.between(now, deadline).toMillis());
                Thread.sleep(Math.min(backoffMillis, untilDeadline));
                backoffMillis = Math.min(10_000, backoffMillis * 2);
            }
        };
    }
}
