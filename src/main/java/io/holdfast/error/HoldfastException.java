package io.holdfast.error;

/**
 * The one exception type users see: a message they can act on (naming the file, setting or key involved)
 * and the kind of failure, which decides the exit code.
 */
public class HoldfastException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorKind kind;

    public HoldfastException(ErrorKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public HoldfastException(ErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public ErrorKind kind() {
        return kind;
    }
}
