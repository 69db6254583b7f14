package io.holdfast.store;

/** A small document read together with the version needed to compare-and-swap it. */
public record Versioned(byte[] content, ObjectInfo info) {
    public String version() {
        return info.version();
    }
}
