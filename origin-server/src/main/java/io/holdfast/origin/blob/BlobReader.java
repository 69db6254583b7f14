package io.holdfast.origin.blob;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.holdfast.manifest.Digest;
import io.holdfast.origin.index.Representation;
import io.holdfast.origin.observe.OriginMetrics;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ObjectStream;
import io.holdfast.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the bytes of a blob for a response, and never hands out bytes that do not match their digest.
 *
 * <ul>
 * <li>Small blobs (up to {@code maxCachedBlobBytes}) live in a memory cache bounded by bytes, as direct buffers that
 * are written to sockets without copies. A blob is verified once, when it enters the cache.</li>
 * <li>Larger blobs of a store with local files are sent zero-copy from the file, verified once per file version
 * (size, modification time, inode) and then kept open ({@link OpenFiles}).</li>
 * <li>Larger blobs of a remote store come from the optional disk cache (verified when written, kept open likewise),
 * or are streamed (see {@link VerifyingCopy}).</li>
 * </ul>
 * A blob that fails verification is remembered for a short time so a flood of requests for it does not become a
 * flood of store reads.
 */
public final class BlobReader {
    private static final Logger LOG = LoggerFactory.getLogger(BlobReader.class);
    private static final int ENTRY_OVERHEAD = 64;
    private final BlobStore store;
    private final long maxCachedBlobBytes;
    private final Cache<Digest, ByteBuffer> memory;
    /** Keyed by digest and size: a manifest that lies about a blob's size must not make it unservable to others. */
    private final Cache<String, BlobUnavailableException> recentlyCorrupt;
    private final OpenFiles openFiles;
    /**
     * The version each file had when it was hashed and matched. Kept apart from the open files: a file that leaves
     * them (more hot files than --max-open-files) is opened again, not hashed again.
     */
    private final Cache<Path, String> verifiedFiles;
    private final DiskBlobCache disk;
    private final OriginMetrics metrics;

    /**
     * @param openFiles where the verified files of larger blobs are kept open
     * @param disk optional cache of large remote blobs on local disk (null: stream them)
     */
    public BlobReader(BlobStore store, long cacheBytes, long maxCachedBlobBytes, OpenFiles openFiles, DiskBlobCache disk,
                      OriginMetrics metrics) {
        this.store = store;
        this.maxCachedBlobBytes = cacheBytes == 0 ? -1 : maxCachedBlobBytes;
        // Eviction runs on the loading (worker) thread, so the bound holds at once rather than after a background task.
        this.memory = Caffeine.newBuilder().executor(Runnable::run).maximumWeight(Math.max(1, cacheBytes))
                .weigher((Digest d, ByteBuffer b) -> b.capacity() + ENTRY_OVERHEAD).build();
        this.recentlyCorrupt = Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(10)).maximumSize(10_000).build();
        this.openFiles = openFiles;
        this.verifiedFiles = Caffeine.newBuilder().maximumSize(100_000).build();
        this.disk = disk;
        this.metrics = metrics;
        metrics.gauge("holdfast.origin.cache.bytes", "Bytes held by the memory cache of blobs",
                () -> memory.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L));
        metrics.gauge("holdfast.origin.cache.entries", "Blobs held by the memory cache", memory::estimatedSize);
        metrics.gauge("holdfast.origin.open.files", "Verified blob files held open", openFiles::size);
    }

    /** The cached bytes of a representation, or null; never does I/O, so I/O threads may call it. */
    public ByteBuffer cached(Representation rep) {
        ByteBuffer b = memory.getIfPresent(rep.digest);
        if (b == null || b.capacity() != rep.size) {
            return null; // a manifest that gives these bytes another size is answered by open(), with a 502
        }
        metrics.cacheHit();
        return b.duplicate();
    }

    /**
     * The open file of a larger blob that is already verified (a filesystem store's file held open or hashed
     * before at its current version, or a disk-cache file held open), or null when getting it needs hashing or
     * downloading (then {@link #open} does it on a worker thread). Lets an I/O thread send a file without handing
     * the request to another thread. The caller closes the lease.
     */
    public OpenFiles.Lease verifiedFile(Representation rep) {
        if (cacheable(rep)) {
            return null;
        }
        Optional<Path> local = store.localPath(rep.blobKey);
        OpenFiles.Lease held;
        if (local.isPresent()) {
            held = heldOrHashedBefore(local.get());
        } else {
            Path file = disk == null ? null : disk.present(rep);
            held = file == null ? null : openFiles.lease(file);
        }
        if (held != null && held.size() != rep.size) {
            held.close(); // a manifest that gives the blob another size: open() answers 502
            return null;
        }
        return held;
    }

    /**
     * A filesystem store's file held open, or else opened again if it was hashed before at its current version (a
     * stat and the opens, no reading); null when it needs hashing or is unreadable.
     */
    private OpenFiles.Lease heldOrHashedBefore(Path file) {
        OpenFiles.Lease held = openFiles.lease(file);
        if (held != null) {
            return held;
        }
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            if (hashedBefore(file, attrs)) {
                return openFiles.open(file, attrs, OpenFiles.ContentCheck.CHECKED_BEFORE);
            }
        } catch (IOException e) {
            // open() finds out what is wrong
        }
        return null;
    }

    /** True when this version of the file was hashed and matched before. */
    private boolean hashedBefore(Path file, BasicFileAttributes attrs) {
        return OpenFiles.versionOf(attrs).equals(verifiedFiles.getIfPresent(file));
    }

    /** True when the representation is small enough to be served from memory once loaded. */
    public boolean cacheable(Representation rep) {
        return rep.size <= maxCachedBlobBytes;
    }

    /**
     * Locates (and loads or verifies) a blob; blocking, for worker threads.
     *
     * @throws BlobUnavailableException when the blob is corrupted, missing, or the store failed
     */
    public Body open(Representation rep) {
        BlobUnavailableException corrupt = recentlyCorrupt.getIfPresent(corruptKey(rep));
        if (corrupt != null) {
            throw corrupt;
        }
        try {
            if (cacheable(rep)) {
                ByteBuffer b = memory.get(rep.digest, d -> load(rep));
                if (b.capacity() != rep.size) {
                    throw corrupt(rep, "size " + b.capacity() + " instead of " + rep.size);
                }
                return new Body.Memory(b.duplicate());
            }
            Optional<Path> local = store.localPath(rep.blobKey);
            if (local.isPresent()) {
                return new Body.LocalFile(verifiedFile(rep, local.get()));
            }
            if (disk != null) {
                return new Body.LocalFile(diskCacheFile(rep));
            }
            return new Body.Remote(rep.blobKey);
        } catch (BlobUnavailableException e) {
            failed(rep, e);
            throw e;
        } catch (StoreException e) {
            BlobUnavailableException u = new BlobUnavailableException(BlobUnavailableException.Reason.STORE_FAILED,
                    rep.digest, "store failed reading " + rep.blobKey + ": " + e.getMessage(), e);
            failed(rep, u);
            throw u;
        }
    }

    /** Records a failure found elsewhere (e.g. a streamed blob that did not match its digest). */
    public void failed(Representation rep, BlobUnavailableException e) {
        switch (e.reason()) {
            case CORRUPT -> {
                metrics.corruptBlob();
                recentlyCorrupt.put(corruptKey(rep), e);
                LOG.error("event=blob_corrupt release=- key={} error=\"{}\"", rep.blobKey, e.getMessage());
            }
            case MISSING -> {
                metrics.missingBlob();
                LOG.error("event=blob_missing release=- key={}", rep.blobKey);
            }
            case STORE_FAILED -> {
                metrics.storeError();
                LOG.warn("event=blob_read_failed release=- key={} error=\"{}\"", rep.blobKey, e.getMessage());
            }
        }
    }

    private ByteBuffer load(Representation rep) {
        metrics.cacheMiss();
        ByteBuffer buf;
        try {
            buf = ByteBuffer.allocateDirect((int) rep.size);
        } catch (OutOfMemoryError e) {
            throw new BlobUnavailableException(BlobUnavailableException.Reason.STORE_FAILED, rep.digest,
                    "no direct memory left to cache " + rep.blobKey + ": lower --cache-bytes or raise -XX:MaxDirectMemorySize", e);
        }
        Optional<Path> local = store.localPath(rep.blobKey);
        try {
            if (local.isPresent()) {
                try (FileChannel ch = FileChannel.open(local.get(), StandardOpenOption.READ)) {
                    if (ch.size() != rep.size) {
                        throw corrupt(rep, "size " + ch.size() + " instead of " + rep.size);
                    }
                    while (buf.hasRemaining() && ch.read(buf) >= 0) {
                        // keep reading
                    }
                }
            } else {
                Optional<ObjectStream> s = store.get(rep.blobKey, null);
                if (s.isEmpty()) {
                    throw missing(rep);
                }
                try (InputStream in = s.get().body()) {
                    byte[] chunk = new byte[(int) Math.min(64 * 1024, Math.max(1, rep.size))];
                    int n;
                    while ((n = in.read(chunk)) > 0) {
                        if (n > buf.remaining()) {
                            throw corrupt(rep, "more than " + rep.size + " bytes");
                        }
                        buf.put(chunk, 0, n);
                    }
                }
            }
        } catch (NoSuchFileException e) {
            throw missing(rep);
        } catch (IOException e) {
            throw unreadable(rep, e);
        }
        if (buf.hasRemaining()) {
            throw corrupt(rep, "only " + buf.position() + " of " + rep.size + " bytes");
        }
        buf.flip();
        check(rep, sha256(buf.duplicate()));
        return buf.asReadOnlyBuffer();
    }

    /**
     * The open file of a filesystem store's blob, hashed unless this version of it was hashed before (one stat, and
     * none at all when it is held open).
     */
    private OpenFiles.Lease verifiedFile(Representation rep, Path file) {
        OpenFiles.Lease held = openFiles.lease(file);
        if (held != null) {
            return ofSize(rep, held);
        }
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw missing(rep);
        } catch (IOException e) {
            throw unreadable(rep, e);
        }
        if (attrs.size() != rep.size) {
            throw corrupt(rep, "size " + attrs.size() + " instead of " + rep.size);
        }
        OpenFiles.ContentCheck check = hashedBefore(file, attrs) ? OpenFiles.ContentCheck.CHECKED_BEFORE : ch -> {
            MessageDigest sha = sha();
            ByteBuffer chunk = ByteBuffer.allocateDirect((int) Math.min(1 << 20, Math.max(1, rep.size)));
            while (ch.read(chunk) >= 0) {
                chunk.flip();
                sha.update(chunk);
                chunk.clear();
            }
            check(rep, sha.digest());
        };
        try {
            OpenFiles.Lease lease = openFiles.open(file, attrs, check);
            verifiedFiles.put(file, OpenFiles.versionOf(attrs));
            return lease;
        } catch (NoSuchFileException e) {
            throw missing(rep);
        } catch (IOException e) {
            throw unreadable(rep, e);
        }
    }

    /** The open file of a disk-cache blob (verified when it was downloaded), downloading it first if needed. */
    private OpenFiles.Lease diskCacheFile(Representation rep) {
        for (int attempt = 0; ; attempt++) {
            Path file = disk.file(rep, this::check);
            OpenFiles.Lease held = openFiles.lease(file);
            if (held != null) {
                return ofSize(rep, held);
            }
            try {
                BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
                return ofSize(rep, openFiles.open(file, attrs, OpenFiles.ContentCheck.CHECKED_BEFORE)); // when downloaded
            } catch (NoSuchFileException e) {
                // evicted between the lookup and the open: the next lookup downloads it again
            } catch (IOException e) {
                throw unreadable(rep, e);
            }
            if (attempt > 0) {
                throw unreadable(rep, new NoSuchFileException(file.toString(), null, "left the disk cache twice"));
            }
        }
    }

    /** The lease, if its file has the representation's size (a sendfile past the end would wait forever). */
    private static OpenFiles.Lease ofSize(Representation rep, OpenFiles.Lease lease) {
        if (lease.size() != rep.size) {
            lease.close();
            throw corrupt(rep, "size " + lease.size() + " instead of " + rep.size);
        }
        return lease;
    }

    private static BlobUnavailableException unreadable(Representation rep, IOException e) {
        return new BlobUnavailableException(BlobUnavailableException.Reason.STORE_FAILED, rep.digest,
                "cannot read " + rep.blobKey + ": " + e, e);
    }

    private static String corruptKey(Representation rep) {
        return rep.digest.hex() + "/" + rep.size;
    }

    /** Throws unless {@code actual} is the representation's digest. */
    void check(Representation rep, byte[] actual) {
        if (!Arrays.equals(actual, rep.digest.bytes())) {
            throw corrupt(rep, "content has sha256 " + Digest.ofBytes(actual));
        }
    }

    static byte[] sha256(ByteBuffer bytes) {
        MessageDigest sha = sha();
        sha.update(bytes);
        return sha.digest();
    }

    static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static BlobUnavailableException corrupt(Representation rep, String what) {
        return new BlobUnavailableException(BlobUnavailableException.Reason.CORRUPT, rep.digest,
                "blob " + rep.blobKey + " is corrupted: " + what, null);
    }

    static BlobUnavailableException missing(Representation rep) {
        return new BlobUnavailableException(BlobUnavailableException.Reason.MISSING, rep.digest,
                "blob " + rep.blobKey + " is missing from the store", null);
    }
}
