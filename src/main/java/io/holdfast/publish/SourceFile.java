package io.holdfast.publish;

import java.nio.file.Path;

/**
 * One file of the tree being published.
 *
 * @param path logical path relative to the tree, '/'-separated, exactly as named on disk (spaces, unicode,
 *             {@code %}, {@code #} and {@code ?} included)
 * @param file where to read it (a symbolic link inside the tree is read through)
 * @param size bytes when the tree was walked
 * @param stat what the walk saw of the file beyond its size, for the {@link HashIndex}; null if not collected
 */
public record SourceFile(String path, Path file, long size, FileStat stat) {
    public SourceFile(String path, Path file, long size) {
        this(path, file, size, null);
    }

    /**
     * The file status fields that change whenever a file's content can have changed: modification and
     * status-change times in nanoseconds (the status-change time cannot be set back by any tool), and the inode and
     * device (a build that replaces a file makes a new inode). -1 where the platform does not say.
     */
    public record FileStat(long mtimeNanos, long ctimeNanos, long inode, long device) {
    }
}
