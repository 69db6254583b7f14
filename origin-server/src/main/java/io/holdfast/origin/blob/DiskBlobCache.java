package io.holdfast.origin.blob;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.holdfast.manifest.Digest;
import io.holdfast.origin.index.Representation;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ObjectStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Large blobs of a remote store (S3) kept as local files, bounded by bytes, so they are sent zero-copy like the
 * filesystem store's. A blob is downloaded whole, verified against its digest, then renamed into place: a file in
 * the cache directory is always a verified blob. The directory belongs to this process: it is emptied on start.
 * Concurrent requests for one blob share one download.
 */
public final class DiskBlobCache {
    private static final Logger LOG = LoggerFactory.getLogger(DiskBlobCache.class);
    private final Path dir;
    private final BlobStore store;
    private final Cache<Digest, Path> files;

    public DiskBlobCache(Path dir, long maxBytes, BlobStore store) {
        this.dir = dir.toAbsolutePath().normalize();
        this.store = store;
        try {
            Files.createDirectories(this.dir);
            try (DirectoryStream<Path> old = Files.newDirectoryStream(this.dir)) {
                for (Path p : old) {
                    String name = p.getFileName().toString();
                    if (Digest.isValid(name) || name.endsWith(".part")) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use disk cache directory " + this.dir, e);
        }
        // Weights in KiB so files up to terabytes fit an int weight.
        this.files = Caffeine.newBuilder().maximumWeight(Math.max(1, maxBytes >> 10))
                .weigher((Digest d, Path p) -> (int) Math.min(Integer.MAX_VALUE, (size(p) >> 10) + 1))
                .removalListener((Digest d, Path p, RemovalCause cause) -> deleteQuietly(p))
                .build();
    }

    /** The verified local file of a blob if it is already here, else null; never downloads. */
    Path present(Representation rep) {
        return files.getIfPresent(rep.digest);
    }

    /** The verified local file of a blob, downloading it first if needed (blocking). */
    Path file(Representation rep, BiConsumer<Representation, byte[]> check) {
        Path p = files.get(rep.digest, d -> download(rep, check));
        if (Files.exists(p)) {
            return p;
        }
        files.invalidate(rep.digest); // deleted behind our back: fetch again
        return files.get(rep.digest, d -> download(rep, check));
    }

    private Path download(Representation rep, BiConsumer<Representation, byte[]> check) {
        Path part = dir.resolve(UUID.randomUUID() + ".part");
        try {
            Optional<ObjectStream> s = store.get(rep.blobKey, null);
            if (s.isEmpty()) {
                throw BlobReader.missing(rep);
            }
            MessageDigest sha = BlobReader.sha();
            long n;
            try (InputStream in = s.get().body();
                 OutputStream out = new DigestOutputStream(Files.newOutputStream(part), sha)) {
                n = in.transferTo(out);
            }
            if (n != rep.size) {
                throw BlobReader.corrupt(rep, n + " bytes instead of " + rep.size);
            }
            check.accept(rep, sha.digest());
            Path target = dir.resolve(rep.digest.hex());
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            LOG.debug("event=disk_cache_fill release=- key={} bytes={}", rep.blobKey, n);
            return target;
        } catch (IOException e) {
            throw new BlobUnavailableException(BlobUnavailableException.Reason.STORE_FAILED, rep.digest,
                    "cannot cache " + rep.blobKey + " in " + dir + ": " + e, e);
        } finally {
            deleteQuietly(part);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("event=disk_cache_delete_failed release=- file={} error=\"{}\"", p, e.getMessage());
        }
    }
}
