package io.holdfast.error;

/**
 * Every way a Holdfast command can fail, each with its own process exit code.
 * The codes are part of the command's contract (docs/EXIT-CODES.md): scripts branch on them.
 */
public enum ErrorKind {
    /** Wrong flags or arguments; the same code picocli uses. */
    USAGE(2),
    /** The input directory or a file in it cannot be published (missing, empty, unreadable, escaping symlink). */
    BAD_INPUT(3),
    /** A release id, channel name or other name is not valid. */
    INVALID_NAME(4),
    /** The store cannot be reached (network, DNS, refused, timed out). */
    STORE_UNREACHABLE(5),
    /** The store location does not exist (no such bucket, no such directory). */
    STORE_NOT_FOUND(6),
    /** The store refused our credentials or permissions. */
    STORE_ACCESS_DENIED(7),
    /** The store lacks a primitive Holdfast needs (create-only or compare-and-swap writes). */
    STORE_UNSUPPORTED(8),
    /** The release id is already committed with different content. */
    RELEASE_CONFLICT(9),
    /** A compare-and-swap lost a race (channel moved, sequence advanced); retry after re-reading. */
    CONCURRENT_UPDATE(10),
    /** The named release, channel or object does not exist. */
    NOT_FOUND(11),
    /** verify found missing or corrupted blobs. */
    DAMAGED(12),
    /** GC refused to run: the policy removes too much, or another GC is active. */
    GC_REFUSED(13),
    /** Another GC run holds the store. */
    GC_BUSY(14),
    /** A store request kept failing after retries, or a stored document is unreadable. */
    STORE_FAILED(15),
    /** A bug: an unexpected exception. */
    INTERNAL(70);

    private final int exitCode;

    ErrorKind(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
