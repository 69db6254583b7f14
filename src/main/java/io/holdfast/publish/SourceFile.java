package io.holdfast.publish;

import java.nio.file.Path;

/**
 * One file of the tree being published.
 *
 * @param path logical path relative to the tree, '/'-separated, exactly as named on disk (spaces, unicode,
 *             {@code %}, {@code #} and {@code ?} included)
 * @param file where to read it (a symbolic link inside the tree is read through)
 * @param size bytes when the tree was walked
 */
public record SourceFile(String path, Path file, long size) {
}
