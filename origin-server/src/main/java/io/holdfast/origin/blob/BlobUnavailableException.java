package io.holdfast.origin.blob;

import io.holdfast.manifest.Digest;

/** A blob cannot be served: corrupted, missing from the store, or the store failed. Never cached as success. */
public final class BlobUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why, which decides the answer: 502 for a store that holds bad or no data, 503 for a failing store. */
    public enum Reason {
        CORRUPT(502), MISSING(502), STORE_FAILED(503);

        private final int status;

        Reason(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Reason reason;
    private final transient Digest digest;

    public BlobUnavailableException(Reason reason, Digest digest, String message, Throwable cause) {
        super(message, cause, false, false);
        this.reason = reason;
        this.digest = digest;
    }

    public Reason reason() {
        return reason;
    }

    public Digest digest() {
        return digest;
    }
}
