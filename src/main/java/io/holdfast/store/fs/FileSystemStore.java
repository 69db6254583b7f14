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
import io.holdfast.store.StoreKeys;
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
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The embedded default store: keys are files under a root directory.
 *
 * <p>Create-only writes go to a temporary file, are fsynced, then hard-linked into place (a link fails if the
 * target exists, so two writers cannot both win), and the directory is fsynced so the new name survives a crash.
 * Compare-and-swap holds the store lock (a lock on {@code .holdfast-lock} for other processes, a
 * {@link ReentrantLock} for this store's threads) while it checks the version and renames (or links, when the
 * key must not exist yet: that also loses against a create-only write that takes no lock). Deletes and
 * {@link #read} take the lock too, so a version always belongs to the bytes read with it.
 *
 * <p>A version is the file's modification time in nanoseconds, its size and its inode. Compare-and-swap sets the
 * modification time itself, strictly after the previous one (the kernel's file times are coarser than a
 * write rate), so every write yields a new version and successive writes have increasing times.
 */
public final class FileSystemStore implements BlobStore {
    private static final String TMP = StoreKeys.RESERVED + "-tmp";
    private static final String LOCK = StoreKeys.RESERVED + "-lock";
    private static final Pattern INODE = Pattern.compile("ino=([0-9]+)");
    private final Path root;
    private final ReentrantLock threads = new ReentrantLock();

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
        return root.resolve(StoreKeys.requireValid(key));
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(file(key), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return attrs.isRegularFile() ? Optional.of(info(key, attrs)) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("cannot read " + key + " in " + describe(), e);
        }
    }

    /** Not under the lock: meant for blobs, which never change; documents are read with {@link #read}. */
    @Override
    public Optional<ObjectStream> get(String key, ByteRange range) {
        Path f = file(key);
        try {
            BasicFileAttributes attrs = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attrs.isRegularFile()) {
                return Optional.empty();
            }
            ObjectInfo info = info(key, attrs);
            if (range != null && range.last() >= info.size()) {
                throw new IllegalArgumentException("range " + range.first() + "-" + range.last() + " beyond size "
                        + info.size() + " of " + key);
            }
            FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            try {
                InputStream body;
                if (range == null) {
                    body = Channels.newInputStream(ch);
                } else {
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
        // Under the lock so the version matches the bytes even while a compare-and-swap renames.
        try (Held lock = lock()) {
            BasicFileAttributes attrs = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attrs.isRegularFile()) {
                return Optional.empty();
            }
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
            createDirectoriesDurably(target.getParent());
            try {
                Files.createLink(target, tmp);
            } catch (FileAlreadyExistsException e) {
                return PutOutcome.ALREADY_EXISTS;
            }
            fsyncDirectory(target.getParent());
            return PutOutcome.CREATED;
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
        try (Held lock = lock()) {
            Optional<ObjectInfo> current = head(key);
            boolean matches = expectedVersion.isEmpty() ? current.isEmpty()
                    : current.isPresent() && current.get().version().equals(expectedVersion.get());
            if (!matches) {
                throw new ConflictException(key);
            }
            writeVerified(tmp, Payload.ofBytes(content));
            Files.setLastModifiedTime(tmp, FileTime.from(nextWriteTime(current)));
            createDirectoriesDurably(target.getParent());
            if (current.isEmpty()) {
                try {
                    Files.createLink(target, tmp);
                } catch (FileAlreadyExistsException e) {
                    throw new ConflictException(key);
                }
            } else {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            fsyncDirectory(target.getParent());
            return head(key).orElseThrow(() -> failure("written object " + key + " vanished", null));
        } catch (IOException e) {
            throw failure("cannot write " + key + " in " + describe(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** Now, or just after the previous write if the clock has not moved past it. Microseconds: every FS keeps them. */
    private static Instant nextWriteTime(Optional<ObjectInfo> current) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        if (current.isPresent() && !now.isAfter(current.get().lastModified())) {
            return current.get().lastModified().truncatedTo(ChronoUnit.MICROS).plus(1, ChronoUnit.MICROS);
        }
        return now;
    }

    @Override
    public void list(String prefix, Consumer<ObjectInfo> sink) {
        int slash = prefix.lastIndexOf('/');
        Path dir = root.resolve(slash < 0 ? "" : prefix.substring(0, slash)).normalize();
        if (!dir.startsWith(root) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Map.Entry<String, BasicFileAttributes>> found = new ArrayList<>();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    if (d.equals(dir)) {
                        return FileVisitResult.CONTINUE;
                    }
                    String key = key(d) + "/";
                    boolean mayMatch = key.startsWith(prefix) || prefix.startsWith(key);
                    return mayMatch && StoreKeys.isValid(key + "x") ? FileVisitResult.CONTINUE
                            : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    String key = key(f);
                    if (attrs.isRegularFile() && key.startsWith(prefix) && StoreKeys.isValid(key)) {
                        found.add(Map.entry(key, attrs));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                    // Deleted while we walked (GC, a concurrent rename): it simply is not there.
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw failure("cannot list " + prefix + " in " + describe(), e);
        }
        found.sort(Map.Entry.comparingByKey(StoreKeys.ORDER));
        for (Map.Entry<String, BasicFileAttributes> e : found) {
            sink.accept(info(e.getKey(), e.getValue()));
        }
    }

    private String key(Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    @Override
    public void delete(Collection<String> keys) {
        List<Path> files = keys.stream().map(this::file).toList();
        try (Held lock = lock()) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw failure("cannot delete in " + describe(), e);
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

    private static ObjectInfo info(String key, BasicFileAttributes attrs) {
        FileTime mtime = attrs.lastModifiedTime();
        Instant modified = mtime.toInstant();
        String version = Long.toHexString(modified.getEpochSecond()) + String.format("%09d", modified.getNano())
                + "-" + Long.toHexString(attrs.size()) + inode(attrs);
        return new ObjectInfo(key, attrs.size(), modified, version);
    }

    private static String inode(BasicFileAttributes attrs) {
        Object fileKey = attrs.fileKey();
        Matcher m = fileKey == null ? null : INODE.matcher(fileKey.toString());
        return m != null && m.find() ? "-" + m.group(1) : "";
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

    /** Creates missing directories and fsyncs each new one's parent, so a new key's path survives a crash. */
    private void createDirectoriesDurably(Path dir) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir; p != null && p.startsWith(root) && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        while (!missing.isEmpty()) {
            Path p = missing.pop();
            try {
                Files.createDirectory(p);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(p)) {
                    throw e;
                }
            }
            fsyncDirectory(p.getParent());
        }
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** The store lock: this store's threads queue on a ReentrantLock, other processes on a file lock. */
    private Held lock() throws IOException {
        threads.lock();
        try {
            FileChannel ch = FileChannel.open(root.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                FileLock fileLock = acquire(ch);
                return () -> {
                    try {
                        fileLock.release();
                        ch.close();
                    } finally {
                        threads.unlock();
                    }
                };
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            threads.unlock();
            throw e;
        }
    }

    /** File locks belong to the process: another store on this root in this JVM shows up as an overlap; wait. */
    private static FileLock acquire(FileChannel ch) throws IOException {
        while (true) {
            try {
                return ch.lock();
            } catch (OverlappingFileLockException e) {
                LockSupport.parkNanos(100_000);
            }
        }
    }

    /** A held lock; closing releases it. */
    private interface Held extends AutoCloseable {
        @Override
        void close() throws IOException;
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
}
