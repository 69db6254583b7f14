package io.holdfast.manifest;

/** {@code sequence/releases.json}: the last number handed out by {@code --release auto}. */
public record Sequence(long last) {
}
