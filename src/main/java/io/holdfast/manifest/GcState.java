package io.holdfast.manifest;

/**
 * {@code gc/state.json}: the one GC run allowed at a time. {@code phase} is {@code idle} or {@code running};
 * a running GC's deadline is the document's store timestamp plus {@code deadlineSeconds} and is pushed
 * forward by each heartbeat (a rewrite that bumps {@code heartbeat}, so the ETag changes too). Publishers wait while a run is active and before its deadline.
 */
public record GcState(String phase, long epoch, String runId, long deadlineSeconds, long heartbeat) {
    public static final String IDLE = "idle";
    public static final String RUNNING = "running";

    public static GcState idle(long epoch) {
        return new GcState(IDLE, epoch, null, 0, 0);
    }

    public boolean running() {
        return RUNNING.equals(phase);
    }
}
