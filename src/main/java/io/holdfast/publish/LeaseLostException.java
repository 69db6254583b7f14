package io.holdfast.publish;

/** Internal signal: the current attempt's lease is lost; the publisher starts again from protocol step 2. */
final class LeaseLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LeaseLostException(String reason) {
        super(reason, null, false, false);
    }
}
