package io.holdfast.store;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;

/** A store request failed: unreachable, denied, missing bucket, unsupported, or failed after retries. */
public class StoreException extends HoldfastException {
    private static final long serialVersionUID = 1L;
    private final boolean retryable;

    public StoreException(ErrorKind kind, String message, boolean retryable, Throwable cause) {
        super(kind, message, cause);
        this.retryable = retryable;
    }

    public StoreException(ErrorKind kind, String message) {
        this(kind, message, false, null);
    }

    /** True for transient failures (timeouts, 5xx, resets) that a retry may cure. */
    public boolean retryable() {
        return retryable;
    }
}
