package io.holdfast.fingerprint;

import io.holdfast.manifest.Digest;

/**
 * A file as it will be published.
 *
 * @param path       logical path, relative to the published tree
 * @param servedPath the name it is served under (fingerprinted, or {@code path} for entry points and names a
 *                   bundler already content-hashed)
 * @param digest     SHA-256 of the bytes served: of {@code rewritten} when references were rewritten
 * @param size       size of the bytes served
 * @param entryPoint true if it keeps its name because something outside asks for it by name
 * @param rewritten  the bytes to upload when references inside were rewritten; null to upload the file as is
 */
public record FingerprintedFile(String path, String servedPath, Digest digest, long size, boolean entryPoint,
                                byte[] rewritten) {
    public boolean isRewritten() {
        return rewritten != null;
    }
}
