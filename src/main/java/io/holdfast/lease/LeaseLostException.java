package io.holdfast.lease;

/** The current attempt's lease is lost (revoked by GC, or expired unnoticed); the writer starts again from protocol step 2. */
public final class LeaseLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LeaseLostException(String reason) {
        super(reason, null, false, false);
    }
}
