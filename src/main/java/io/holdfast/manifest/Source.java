package io.holdfast.manifest;

/** Where a release came from, for people reading {@code holdfast show}; all fields optional. */
public record Source(String commit, String branch, String builder) {
    public static final Source NONE = new Source(null, null, null);
}
