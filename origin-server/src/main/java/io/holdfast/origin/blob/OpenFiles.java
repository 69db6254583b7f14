package io.holdfast.origin.blob;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.xnio.IoUtils;

/**
 * Verified blob files kept open between responses, as nginx's {@code open_file_cache}: a blob sent from its file then
 * costs one {@code sendfile}, not an {@code open}, a {@code stat} and a {@code close} as well. Each file is held with
 * the version (size, modification time, inode) it had when it was verified; that version is checked again at most
 * once per {@code recheck}, so a file replaced or changed behind the store's back is verified again within that
 * time. A file stays open while a response still sends from it, even after it left the cache (reference counted).
 *
 * <p>A file is opened once per I/O thread, as nginx's workers each keep their own: {@code FileChannel.transferTo}
 * takes the channel's locks on every call, and two I/O threads sending one hot file through one channel queued on
 * them (futex calls on every response). The bound is in file descriptors, the figure a service's limit is set in.
 *
 * <p>A deleted file keeps its disk space until it leaves the cache: at the next check of its version, or after
 * {@code idle} without a request.
 */
public final class OpenFiles {
    private final Cache<Path, Handle> handles;
    private final int channelsPerFile;
    private final Clock clock;
    private final long recheckMillis;

    /** Reads the content of a newly opened file, and throws if it is not the expected one. */
    @FunctionalInterface
    public interface ContentCheck {
        /** For a file whose content was checked before, at the version it has now. */
        ContentCheck CHECKED_BEFORE = channel -> { };

        void check(FileChannel channel) throws IOException;
    }

    /**
     * @param maxDescriptors  most file descriptors held at once, {@code channelsPerFile} per file (below that, every
     *                        response opens and closes its file)
     * @param channelsPerFile how many times each file is opened: one per thread that sends files
     */
    public OpenFiles(int maxDescriptors, int channelsPerFile, Duration recheck, Duration idle, Clock clock) {
        this.channelsPerFile = Math.max(1, channelsPerFile);
        this.clock = clock;
        this.recheckMillis = recheck.toMillis();
        // Removal runs on the calling thread, so an evicted file is closed at once, not by a background task.
        this.handles = Caffeine.newBuilder().executor(Runnable::run).maximumWeight(maxDescriptors)
                .weigher((Path p, Handle h) -> h.channels.length).expireAfterAccess(idle)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .removalListener((Path p, Handle h, RemovalCause cause) -> h.release())
                .build();
    }

    /**
     * A lease on the file if it is held open and still has the version it was verified at, else null. Does at most
     * one {@code stat} (when the version is due for a check), so I/O threads may call it.
     */
    public Lease lease(Path file) {
        Handle h = handles.getIfPresent(file);
        if (h == null) {
            return null;
        }
        long now = clock.millis();
        if (now - h.checkedAt >= recheckMillis) {
            if (!h.version.equals(versionOf(file))) {
                handles.asMap().remove(file, h);
                return null;
            }
            h.checkedAt = now;
        }
        return h.acquire();
    }

    /**
     * Opens a file, has {@code check} read it, and holds it open with the version {@code attrs} describe (read before
     * it was opened) if it still has that version afterwards; lends it to the caller. Replaces any older handle of
     * the same file.
     *
     * @throws IOException when the file cannot be opened or read, or changed while it was checked
     */
    public Lease open(Path file, BasicFileAttributes attrs, ContentCheck check) throws IOException {
        FileChannel[] channels = new FileChannel[channelsPerFile];
        try {
            for (int i = 0; i < channels.length; i++) {
                channels[i] = FileChannel.open(file, StandardOpenOption.READ);
            }
            check.check(channels[0]);
            // Every channel was opened between two looks at the same version: all are the file that was checked.
            if (!versionOf(attrs).equals(versionOf(file))) {
                throw new IOException("file " + file + " changed while it was being verified");
            }
        } catch (IOException | RuntimeException e) {
            for (FileChannel c : channels) {
                IoUtils.safeClose(c);
            }
            throw e;
        }
        Handle h = new Handle(channels, versionOf(attrs), attrs.size(), clock.millis());
        Lease lease = h.acquire();
        handles.put(file, h);
        return lease;
    }

    /** Closes now the files due to leave (Caffeine otherwise does it during later calls). */
    void cleanUp() {
        handles.cleanUp();
    }

    /** Number of files held open (for metrics). */
    public long size() {
        return handles.estimatedSize();
    }

    /** The version of a file as held: size, modification time and inode; null when it cannot be read. */
    private static String versionOf(Path file) {
        try {
            return versionOf(Files.readAttributes(file, BasicFileAttributes.class));
        } catch (IOException e) {
            return null;
        }
    }

    /** The version of a file: its size, modification time and inode. */
    public static String versionOf(BasicFileAttributes attrs) {
        return attrs.size() + "/" + attrs.lastModifiedTime().toMillis() + "/" + attrs.fileKey();
    }

    /** An open file lent to one response: close the lease when the response is done with it. */
    public static final class Lease implements AutoCloseable {
        private final Handle handle;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Lease(Handle handle) {
            this.handle = handle;
        }

        /** The size the file had when it was verified. */
        public long size() {
            return handle.size;
        }

        /** The file's channel for the calling thread. */
        public FileChannel channel() {
            FileChannel[] c = handle.channels;
            return c[(int) (Thread.currentThread().getId() % c.length)];
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                handle.release();
            }
        }
    }

    /** One open file: one reference for the cache, one per lease; the channels close with the last. */
    private static final class Handle {
        final FileChannel[] channels;
        final String version;
        final long size;
        volatile long checkedAt;
        private final AtomicInteger references = new AtomicInteger(1);

        Handle(FileChannel[] channels, String version, long size, long checkedAt) {
            this.channels = channels;
            this.version = version;
            this.size = size;
            this.checkedAt = checkedAt;
        }

        /** A lease, or null when the handle was closed meanwhile. */
        Lease acquire() {
            for (int n = references.get(); n > 0; n = references.get()) {
                if (references.compareAndSet(n, n + 1)) {
                    return new Lease(this);
                }
            }
            return null;
        }

        void release() {
            if (references.decrementAndGet() == 0) {
                for (FileChannel c : channels) {
                    IoUtils.safeClose(c);
                }
            }
        }
    }
}
