package io.holdfast.store;

/**
 * An inclusive byte range {@code [first, last]} of an object, as in HTTP's {@code Range: bytes=first-last}.
 * Always resolved against a known size before it reaches a store.
 */
public record ByteRange(long first, long last) {
    public ByteRange {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("invalid byte range " + first + "-" + last);
        }
    }

    public long length() {
        return last - first + 1;
    }
}
