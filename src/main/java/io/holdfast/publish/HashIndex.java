package io.holdfast.publish;

import io.holdfast.fingerprint.Reference;
import io.holdfast.fingerprint.ReferenceCache;
import io.holdfast.fingerprint.ReferenceScanner;
import io.holdfast.manifest.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an earlier publish of the same directory learnt about its files, as git's index does: for each path, the
 * size and file status it had and the SHA-256 of its bytes, plus the references found in each CSS/JS content. A
 * file whose size, modification time, status-change time, inode and device are all as recorded is taken to hold
 * the recorded content and is not read at all.
 *
 * <p>Racy entries: a file changed within the same clock tick as the look that recorded it would keep its status.
 * So an entry is only kept if the file's times were at least {@link #RACY_MARGIN} older than the moment the walk
 * began; a file younger than that is hashed again next time.
 *
 * <p>Trust: the index is a local cache and never proof. A wrong digest for a file (its content changed while
 * every status field stayed the same, which needs the system clock set back) either names a content the store does
 * not have, and the store then refuses the upload because the bytes do not match the digest, or names an older
 * content the store already has, and the release serves that older, intact version of the file. See
 * docs/PUBLISH.md. The file itself is checked (CRC-32C) and any damage means starting empty.
 */
public final class HashIndex implements ReferenceCache {
    static final Duration RACY_MARGIN = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(HashIndex.class);
    private static final int MAGIC = 0x48464958; // "HFIX"
    private static final int VERSION = 1;
    private static final ReferenceScanner.Kind[] KINDS = ReferenceScanner.Kind.values();

    private final Path file;
    private final String root;
    private final Map<String, Entry> entries;
    private final Map<ScanKey, List<Reference>> scans;
    private int hits;

    private record Entry(long size, SourceFile.FileStat stat, Digest digest) {
    }

    private record ScanKey(Digest digest, ReferenceScanner.Kind kind) {
    }

    private HashIndex(Path file, String root, Map<String, Entry> entries, Map<ScanKey, List<Reference>> scans) {
        this.file = file;
        this.root = root;
        this.entries = entries;
        this.scans = scans;
    }

    /** Where the index of a directory lives in a cache directory: one file per directory, named by its path's hash. */
    public static Path fileFor(Path cacheDir, Path sourceDir) {
        String key = Digest.of(canonical(sourceDir).getBytes(StandardCharsets.UTF_8)).hex().substring(0, 32);
        return cacheDir.resolve("index").resolve(key + ".idx");
    }

    /**
     * The per-user cache directory: {@code $HOLDFAST_CACHE_DIR}, else {@code $XDG_CACHE_HOME/holdfast}, else
     * {@code ~/.cache/holdfast}.
     */
    public static Path defaultCacheDir(Map<String, String> env) {
        String own = env.get("HOLDFAST_CACHE_DIR");
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "holdfast");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "holdfast");
    }

    /** The index of {@code sourceDir} kept in {@code file}; empty if there is none or it cannot be used. */
    public static HashIndex load(Path file, Path sourceDir) {
        String root = canonical(sourceDir);
        Map<String, Entry> entries = new HashMap<>();
        Map<ScanKey, List<Reference>> scans = new ConcurrentHashMap<>();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            return new HashIndex(file, root, entries, scans);
        } catch (IOException e) {
            LOG.warn("event=publish.index_unreadable file={} error=\"{}\" effect=\"every file is hashed\"", file, e.getMessage());
            return new HashIndex(file, root, entries, scans);
        }
        try {
            read(bytes, root, entries, scans);
        } catch (IOException | RuntimeException e) {
            LOG.warn("event=publish.index_damaged file={} error=\"{}\" effect=\"every file is hashed\"", file, e.getMessage());
            entries.clear();
            scans.clear();
        }
        return new HashIndex(file, root, entries, scans);
    }

    private static void read(byte[] bytes, String root, Map<String, Entry> entries, Map<ScanKey, List<Reference>> scans)
            throws IOException {
        if (bytes.length < 4) {
            throw new IOException("too short");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        in.skipNBytes(bytes.length - 4);
        if (in.readInt() != (int) crc.getValue()) {
            throw new IOException("checksum mismatch");
        }
        in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 4));
        if (in.readInt() != MAGIC || in.readInt() != VERSION) {
            throw new IOException("not an index of this version");
        }
        if (!in.readUTF().equals(root)) {
            return; // another directory's (a hash collision of names): start empty
        }
        byte[] raw = new byte[32];
        for (int i = in.readInt(); i > 0; i--) {
            String path = in.readUTF();
            long size = in.readLong();
            SourceFile.FileStat stat = new SourceFile.FileStat(in.readLong(), in.readLong(), in.readLong(), in.readLong());
            in.readFully(raw);
            entries.put(path, new Entry(size, stat, Digest.ofBytes(raw)));
        }
        for (int i = in.readInt(); i > 0; i--) {
            in.readFully(raw);
            ReferenceScanner.Kind kind = KINDS[in.readUnsignedByte()];
            int n = in.readInt();
            List<Reference> refs = new ArrayList<>(n);
            for (int j = 0; j < n; j++) {
                refs.add(new Reference(in.readInt(), in.readInt(), in.readUTF()));
            }
            scans.put(new ScanKey(Digest.ofBytes(raw), kind), List.copyOf(refs));
        }
    }

    /** The digest of a file if its status is exactly as recorded, else null (the file must be read). */
    public Digest digestOf(SourceFile f) {
        if (f.stat() == null || f.stat().mtimeNanos() < 0) {
            return null;
        }
        Entry e = entries.get(f.path());
        if (e == null || e.size() != f.size() || !e.stat().equals(f.stat())) {
            return null;
        }
        hits++;
        return e.digest();
    }

    /** Files found unchanged since the lookups began. */
    public int hits() {
        return hits;
    }

    @Override
    public List<Reference> find(Digest digest, ReferenceScanner.Kind kind) {
        return scans.get(new ScanKey(digest, kind));
    }

    @Override
    public void remember(Digest digest, ReferenceScanner.Kind kind, List<Reference> references) {
        scans.put(new ScanKey(digest, kind), List.copyOf(references));
    }

    /**
     * Replaces the index with what this publish saw: every hashed file whose times are clearly older than {@code
     * walkStarted}, and the scan results of the contents they hold. Written to a temporary file and renamed, so a
     * concurrent publish of the same directory or a crash leaves one whole index or the other. A failure to write
     * is only logged: the index is an optimisation.
     */
    public void save(List<FileHasher.HashedFile> hashed, Instant walkStarted) {
        long racy = walkStarted.minus(RACY_MARGIN).getEpochSecond() * 1_000_000_000L + walkStarted.minus(RACY_MARGIN).getNano();
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64 + hashed.size() * 96);
        int kept = 0;
        try (DataOutputStream out = new DataOutputStream(buf)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(root);
            List<FileHasher.HashedFile> keep = new ArrayList<>(hashed.size());
            Set<Digest> digests = new java.util.HashSet<>();
            for (FileHasher.HashedFile h : hashed) {
                SourceFile.FileStat s = h.source().stat();
                if (s != null && s.mtimeNanos() >= 0 && s.mtimeNanos() < racy && s.ctimeNanos() < racy
                        && h.size() == h.source().size()) {
                    keep.add(h);
                    digests.add(h.digest());
                }
            }
            out.writeInt(keep.size());
            for (FileHasher.HashedFile h : keep) {
                SourceFile.FileStat s = h.source().stat();
                out.writeUTF(h.source().path());
                out.writeLong(h.size());
                out.writeLong(s.mtimeNanos());
                out.writeLong(s.ctimeNanos());
                out.writeLong(s.inode());
                out.writeLong(s.device());
                out.write(h.digest().bytes());
            }
            kept = keep.size();
            List<Map.Entry<ScanKey, List<Reference>>> scanned = scans.entrySet().stream()
                    .filter(e -> digests.contains(e.getKey().digest())).toList();
            out.writeInt(scanned.size());
            for (Map.Entry<ScanKey, List<Reference>> e : scanned) {
                out.write(e.getKey().digest().bytes());
                out.writeByte(e.getKey().kind().ordinal());
                out.writeInt(e.getValue().size());
                for (Reference r : e.getValue()) {
                    out.writeInt(r.start());
                    out.writeInt(r.end());
                    out.writeUTF(r.rawPath());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        CRC32C crc = new CRC32C();
        byte[] body = buf.toByteArray();
        crc.update(body);
        Path tmp = null;
        try {
            Files.createDirectories(file.getParent());
            tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            try (var out = Files.newOutputStream(tmp)) {
                out.write(body);
                out.write(new byte[] {(byte) (crc.getValue() >>> 24), (byte) (crc.getValue() >>> 16),
                    (byte) (crc.getValue() >>> 8), (byte) crc.getValue()});
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            LOG.debug("event=publish.index_saved file={} entries={}", file, kept);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("event=publish.index_not_saved file={} error=\"{}\" effect=\"the next publish hashes every file\"",
                    file, e.getMessage());
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // nothing more to do
                }
            }
        }
    }

    private static String canonical(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        try {
            return abs.toRealPath().toString();
        } catch (IOException e) {
            return abs.toString();
        }
    }
}
