package io.holdfast.store.fs;

import io.holdfast.error.ErrorKind;
import io.holdfast.manifest.Digest;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ByteRange;
import io.holdfast.store.ConflictException;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.ObjectStream;
import io.holdfast.store.Payload;
import io.holdfast.store.PutOutcome;
import io.holdfast.store.StoreException;
import io.holdfast.store.Versioned;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The embedded default store: keys are files under a root directory.
 *
 * <p>Create-only writes go to a temporary file, are fsynced, then hard-linked into place (a link fails if the
 * target exists, so two writers cannot both win). Compare-and-swap holds an exclusive lock on
 * {@code .holdfast-lock} (shared by every process on the machine) while it checks the version and renames.
 * A version is the file's modification time in nanoseconds and its size; writes under the lock always move the
 * modification time forward, so every write yields a new version.
 */
public final class FileSystemStore implements BlobStore {
    private static final String TMP = ".holdfast-tmp";
    private static final String LOCK = ".holdfast-lock";
    private final Path root;

    /**
     * @param root   the store directory
     * @param create create it (and its parents) if missing; otherwise a missing root is an error
     */
    public FileSystemStore(Path root, boolean create) {
        this.root = root.toAbsolutePath().normalize();
        try {
            if (create) {
                Files.createDirectories(this.root.resolve(TMP));
            } else if (!Files.isDirectory(this.root)) {
                throw new StoreException(ErrorKind.STORE_NOT_FOUND,
                        "store directory " + this.root + " does not exist (publish creates it)");
            }
        } catch (IOException e) {
            throw failure("cannot create store directory " + this.root, e);
        }
    }

    public Path root() {
        return root;
    }

    /** The file behind a key; keys never escape the root. */
    public Path file(String key) {
        if (key.isEmpty() || key.startsWith("/") || key.contains("\\") || key.contains("\0")) {
            throw new IllegalArgumentException("invalid store key: " + key);
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.startsWith(".holdfast")) {
                throw new IllegalArgumentException("invalid store key: " + key);
            }
        }
        return root.resolve(key);
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        try {
            return Optional.of(info(key, Files.readAttributes(file(key), BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("cannot read " + key + " in " + describe(), e);
        }
    }

    @Override
    public Optional<ObjectStream> get(String key, ByteRange range) {
        Path f = file(key);
        try {
            FileChannel ch = FileChannel.open(f, StandardOpenOption.READ);
            try {
                BasicFileAttributes attrs = Files.readAttributes(f, BasicFileAttributes.class);
                ObjectInfo info = info(key, attrs);
                InputStream body;
                if (range == null) {
                    body = Channels.newInputStream(ch);
                } else {
                    if (range.last() >= info.size()) {
                        throw new IllegalArgumentException("range " + range + " beyond size " + info.size() + " of " + key);
                    }
                    ch.position(range.first());
                    body = new BoundedInputStream(Channels.newInputStream(ch), range.length());
                }
                return Optional.of(new ObjectStream(info, range, body));
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("cannot read " + key + " in " + describe(), e);
        }
    }

    @Override
    public Optional<Versioned> read(String key) {
        Path f = file(key);
        // Read under the lock so the version matches the bytes even while a compare-and-swap renames.
        try (FileLock lock = lock()) {
            BasicFileAttributes attrs = Files.readAttributes(f, BasicFileAttributes.class);
            return Optional.of(new Versioned(Files.readAllBytes(f), info(key, attrs)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("cannot read " + key + " in " + describe(), e);
        }
    }

    @Override
    public PutOutcome putIfAbsent(String key, Payload payload) {
        Path target = file(key);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return PutOutcome.ALREADY_EXISTS;
        }
        Path tmp = tempFile();
        try {
            writeVerified(tmp, payload);
            Files.createDirectories(target.getParent());
            try {
                Files.createLink(target, tmp);
                return PutOutcome.CREATED;
            } catch (FileAlreadyExistsException e) {
                return PutOutcome.ALREADY_EXISTS;
            }
        } catch (IOException e) {
            throw failure("cannot write " + key + " in " + describe(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    @Override
    public ObjectInfo compareAndSwap(String key, byte[] content, Optional<String> expectedVersion) {
        Path target = file(key);
        Path tmp = tempFile();
        try (FileLock lock = lock()) {
            Optional<ObjectInfo> current = head(key);
            boolean matches = expectedVersion.isEmpty() ? current.isEmpty()
                    : current.isPresent() && current.get().version().equals(expectedVersion.get());
            if (!matches) {
                throw new ConflictException(key);
            }
            writeVerified(tmp, Payload.ofBytes(content));
            if (current.isPresent()) {
                // Every write must produce a new version, even within the clock's resolution.
                FileTime now = FileTime.from(java.time.Instant.now());
                long previous = current.get().lastModified().toEpochMilli() * 1_000_000L
                        + current.get().lastModified().getNano() % 1_000_000;
                if (now.to(java.util.concurrent.TimeUnit.NANOSECONDS) <= previous) {
                    Files.setLastModifiedTime(tmp, FileTime.from(previous + 1000, java.util.concurrent.TimeUnit.NANOSECONDS));
                }
            }
            Files.createDirectories(target.getParent());
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return head(key).orElseThrow(() -> failure("written object " + key + " vanished", null));
        } catch (IOException e) {
            throw failure("cannot write " + key + " in " + describe(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    @Override
    public void list(String prefix, Consumer<ObjectInfo> sink) {
        int slash = prefix.lastIndexOf('/');
        Path dir = slash < 0 ? root : file(prefix.substring(0, slash));
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<String> keys = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).forEach(p -> {
                String key = root.relativize(p).toString().replace('\\', '/');
                if (key.startsWith(prefix) && !key.startsWith(".holdfast")) {
                    keys.add(key);
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            throw failure("cannot list " + prefix + " in " + describe(), e instanceof IOException io ? io : e.getCause());
        }
        keys.sort(null);
        for (String key : keys) {
            head(key).ifPresent(sink);
        }
    }

    @Override
    public void delete(Collection<String> keys) {
        for (String key : keys) {
            try {
                Files.deleteIfExists(file(key));
            } catch (IOException e) {
                throw failure("cannot delete " + key + " in " + describe(), e);
            }
        }
    }

    /** Objects are files here: readers may serve them zero-copy (see {@link BlobStore#localPath}). */
    @Override
    public Optional<Path> localPath(String key) {
        return Optional.of(file(key));
    }

    @Override
    public String describe() {
        return "file:" + root;
    }

    private ObjectInfo info(String key, BasicFileAttributes attrs) {
        FileTime mtime = attrs.lastModifiedTime();
        String version = Long.toHexString(mtime.to(java.util.concurrent.TimeUnit.NANOSECONDS)) + "-"
                + Long.toHexString(attrs.size());
        return new ObjectInfo(key, attrs.size(), mtime.toInstant(), version);
    }

    private Path tempFile() {
        return root.resolve(TMP).resolve(UUID.randomUUID().toString());
    }

    private static void writeVerified(Path tmp, Payload payload) throws IOException {
        Files.createDirectories(tmp.getParent());
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             OutputStream os = new DigestOutputStream(Channels.newOutputStream(out), sha);
             InputStream in = payload.open()) {
            in.transferTo(os);
            os.flush();
            out.force(true);
        }
        Digest actual = Digest.ofBytes(sha.digest());
        if (!actual.equals(payload.sha256())) {
            throw new StoreException(ErrorKind.STORE_FAILED, "content changed while uploading: expected sha256 "
                    + payload.sha256() + " but read " + actual + (payload.file() != null ? " from " + payload.file() : ""));
        }
    }

    /** An exclusive lock shared by processes (file lock) and threads (retry while this JVM holds it). */
    private FileLock lock() throws IOException {
        FileChannel ch = FileChannel.open(root.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            while (true) {
                try {
                    FileLock l = ch.lock();
                    return new ClosingLock(ch, l);
                } catch (OverlappingFileLockException e) {
                    LockSupport.parkNanos(50_000);
                }
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private StoreException failure(String message, Throwable cause) {
        if (cause instanceof AccessDeniedException) {
            return new StoreException(ErrorKind.STORE_ACCESS_DENIED, message + ": permission denied", false, cause);
        }
        return new StoreException(ErrorKind.STORE_FAILED,
                message + (cause == null ? "" : ": " + cause), false, cause);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover temp file is harmless; it is outside the key space
        }
    }

    /** Releases the lock and closes its channel together. */
    private static final class ClosingLock extends FileLock {
        private final FileLock lock;

        ClosingLock(FileChannel ch, FileLock lock) {
            super(ch, lock.position(), lock.size(), lock.isShared());
            this.lock = lock;
        }

        @Override
        public boolean isValid() {
            return lock.isValid();
        }

        @Override
        public void release() throws IOException {
            lock.release();
            channel().close();
        }
    }
}
