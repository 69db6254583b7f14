package io.holdfast.gc;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;

/**
 * A GC run stopped itself before it could issue a write after its deadline: it was taken over, or it was slower
 * (or stalled) past its safety margin. Nothing it skipped is lost: the next run starts over.
 */
public final class GcStoppedException extends HoldfastException {
    private static final long serialVersionUID = 1L;

    public GcStoppedException(String message) {
        super(ErrorKind.GC_BUSY, message);
    }
}
