package io.holdfast.store;

import io.holdfast.manifest.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Content to upload, with its SHA-256 known in advance so the store can verify what it received.
 * Either a file (streamed; large files go multipart on S3) or bytes in memory (documents, compressed variants).
 */
public record Payload(Path file, byte[] bytes, long size, Digest sha256) {
    public Payload {
        Objects.requireNonNull(sha256, "sha256");
        if ((file == null) == (bytes == null)) {
            throw new IllegalArgumentException("a payload is either a file or bytes");
        }
    }

    public static Payload ofFile(Path file, long size, Digest sha256) {
        return new Payload(file, null, size, sha256);
    }

    public static Payload ofBytes(byte[] bytes) {
        return new Payload(null, bytes, bytes.length, Digest.of(bytes));
    }

    public InputStream open() throws IOException {
        return file != null ? Files.newInputStream(file) : new ByteArrayInputStream(bytes);
    }
}
