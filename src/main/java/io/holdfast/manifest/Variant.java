package io.holdfast.manifest;

/** A precompressed form of an asset (br or gzip), stored as a blob of its own. */
public record Variant(Digest digest, long size) {
}
