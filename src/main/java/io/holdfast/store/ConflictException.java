package io.holdfast.store;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;

/** A conditional write lost: the key exists (create-only) or changed since it was read (compare-and-swap). */
public final class ConflictException extends HoldfastException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public ConflictException(String key) {
        super(ErrorKind.CONCURRENT_UPDATE, "store object " + key + " was changed concurrently");
        this.key = key;
    }

    public String key() {
        return key;
    }
}
