package io.holdfast.fingerprint;

import io.holdfast.manifest.Digest;
import java.io.IOException;

/**
 * One file to fingerprint: its path relative to the published tree, the SHA-256 of its bytes, and a way to
 * read them again (only CSS and JS are read, to rewrite their references).
 */
public record SourceAsset(String path, Digest digest, long size, Content content) {

    /** Reads the file's bytes on demand. */
    @FunctionalInterface
    public interface Content {
        byte[] read() throws IOException;

        /** The last {@code max} bytes (all of them if fewer): where a JS file's sourceMappingURL comment is. */
        default byte[] readTail(int max) throws IOException {
            byte[] all = read();
            return all.length <= max ? all : java.util.Arrays.copyOfRange(all, all.length - max, all.length);
        }
    }
}
