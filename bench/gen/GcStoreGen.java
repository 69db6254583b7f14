import io.holdfast.config.StoreConfig;
import io.holdfast.config.StoreFactory;
import io.holdfast.manifest.Asset;
import io.holdfast.manifest.Channel;
import io.holdfast.manifest.ChannelEntry;
import io.holdfast.manifest.ChannelName;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.manifest.Source;
import io.holdfast.store.BlobStore;
import io.holdfast.store.Payload;
import io.holdfast.store.StoreKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a large store for the GC benchmark directly, without publishing: RELEASES releases of ASSETS assets each,
 * where each release after the first changes CHANGED assets (so distinct blobs = ASSETS + (RELEASES-1) x CHANGED),
 * plus ORPHANS unreferenced blobs (what crashed publishes leave), and a {@code production} channel on the newest
 * release. Blobs are tiny ("asset J version V"); manifests are real {@link ReleaseManifest} documents.
 *
 * <pre>
 *   java -cp target/cli/holdfast.jar bench/gen/GcStoreGen.java STORE RELEASES ASSETS CHANGED ORPHANS [THREADS]
 * </pre>
 * STORE is a directory (written as files in the store's layout, which is much faster than the store's fsync'ed
 * create-only writes), s3://bucket/prefix (written through the S3 store, settings from the HOLDFAST_S3_*
 * environment variables, THREADS uploads at a time), or s3proxy-dir:/BASEDIR/BUCKET/PREFIX: the files S3Proxy's
 * filesystem backend would hold after those uploads, written directly with the extended attributes it writes on
 * PUT (content MD5, which is the ETag; content type; the SHA-256 checksum), for stores too large to upload through
 * S3Proxy in reasonable time. S3Proxy then serves them as any object it stored.
 */
public final class GcStoreGen {
    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        int releases = Integer.parseInt(args[1]);
        int assets = Integer.parseInt(args[2]);
        int changed = Integer.parseInt(args[3]);
        int orphans = Integer.parseInt(args[4]);
        int threads = args.length > 5 ? Integer.parseInt(args[5]) : 2;
        boolean s3 = uri.startsWith("s3://");
        boolean s3proxyDir = uri.startsWith("s3proxy-dir:");
        StoreConfig config = new StoreConfig(uri, env("HOLDFAST_S3_ENDPOINT"), env("HOLDFAST_S3_REGION"),
                Boolean.parseBoolean(System.getenv("HOLDFAST_S3_PATH_STYLE")), env("HOLDFAST_S3_ACCESS_KEY"),
                env("HOLDFAST_S3_SECRET_KEY"));
        long t0 = System.nanoTime();
        AtomicLong objects = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Path root = s3 ? null : Path.of(s3proxyDir ? uri.substring("s3proxy-dir:".length()) : uri);
        try (BlobStore store = s3proxyDir ? null : StoreFactory.open(config, true)) {
            Writer writer = (key, content) -> {
                if (s3) {
                    store.putIfAbsent(key, Payload.ofBytes(content));
                } else {
                    Path f = root.resolve(key);
                    try {
                        Files.createDirectories(f.getParent());
                        Files.write(f, content);
                        if (s3proxyDir) {
                            s3proxyAttributes(f, content);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                objects.incrementAndGet();
                bytes.addAndGet(content.length);
            };
            List<Future<?>> pending = new ArrayList<>();
            int[] version = new int[assets];
            Set<Digest> written = new HashSet<>();
            for (int r = 0; r < releases; r++) {
                if (r > 0) {
                    for (int k = 0; k < changed; k++) {
                        version[(r * changed + k) % assets]++;
                    }
                }
                List<Asset> list = new ArrayList<>(assets);
                for (int j = 0; j < assets; j++) {
                    byte[] content = blob(j, version[j]);
                    Digest d = Digest.of(content);
                    if (written.add(d)) {
                        pending.add(pool.submit(() -> writer.write(StoreKeys.blob(d), content)));
                    }
                    list.add(new Asset("assets/file" + j + ".js", "assets/file" + j + "-" + d.hex().substring(0, 12) + ".js",
                            d, content.length, "text/javascript; charset=utf-8", d.integrity(), false, null));
                }
                ReleaseManifest m = new ReleaseManifest(ReleaseManifest.FORMAT, id(r),
                        EPOCH.plus(Duration.ofMinutes(r)), new Source("c" + r, "main", "bench"), list);
                pending.add(pool.submit(() -> {
                    writer.write(StoreKeys.release(m.id()), Documents.encode(m));
                    if (root != null) {
                        // Commit times one minute apart, as the manifests say, so "the newest N" is well defined.
                        setModified(root.resolve(StoreKeys.release(m.id())), m.created());
                    }
                }));
                if (pending.size() > 20_000) {
                    drain(pending);
                }
            }
            for (int o = 0; o < orphans; o++) {
                byte[] content = ("orphan " + o + "\n").getBytes(StandardCharsets.UTF_8);
                pending.add(pool.submit(() -> writer.write(StoreKeys.blob(Digest.of(content)), content)));
            }
            drain(pending);
            List<ChannelEntry> history = new ArrayList<>();
            for (int r = releases - 1; r >= Math.max(0, releases - 10); r--) {
                history.add(new ChannelEntry(id(r), EPOCH.plus(Duration.ofMinutes(r)), "promote"));
            }
            Channel production = new Channel(ChannelName.of("production"), id(releases - 1), history);
            if (s3proxyDir) {
                writer.write(StoreKeys.channel(production.name()), Documents.encode(production));
            } else {
                store.compareAndSwap(StoreKeys.channel(production.name()), Documents.encode(production), Optional.empty());
            }
            System.out.printf("store=%s releases=%d assets=%d distinctBlobs=%d orphans=%d objects=%d bytes=%d seconds=%.1f%n",
                    uri, releases, assets, written.size(), orphans, objects.get() + 1, bytes.get(),
                    (System.nanoTime() - t0) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    interface Writer {
        void write(String key, byte[] content);
    }

    /** What S3Proxy's filesystem backend (jclouds) records beside an object it stored. */
    static void s3proxyAttributes(Path f, byte[] content) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(f, UserDefinedFileAttributeView.class);
        try {
            view.write("user.content-md5", ByteBuffer.wrap(MessageDigest.getInstance("MD5").digest(content)));
            view.write("user.content-type", ByteBuffer.wrap("application/octet-stream".getBytes(StandardCharsets.UTF_8)));
            view.write("user.storage-tier", ByteBuffer.wrap("STANDARD".getBytes(StandardCharsets.UTF_8)));
            view.write("user.user-metadata.s3proxy_checksum_sha256",
                    ByteBuffer.wrap(Digest.of(content).base64().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void setModified(Path f, Instant t) {
        try {
            Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.from(t));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ReleaseId id(int r) {
        return ReleaseId.of(Integer.toString(r + 1));
    }

    static byte[] blob(int asset, int version) {
        return ("asset " + asset + " version " + version + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name));
    }

    static void drain(List<Future<?>> pending) throws Exception {
        for (Future<?> f : pending) {
            f.get();
        }
        pending.clear();
    }
}
