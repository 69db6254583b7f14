package io.holdfast.publish;

import io.holdfast.channel.ChannelMover;
import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.fingerprint.ReferenceCache;
import io.holdfast.lease.GcGate;
import io.holdfast.lease.LeaseKeeper;
import io.holdfast.lease.LeaseLostException;
import io.holdfast.manifest.Asset;
import io.holdfast.manifest.ChannelName;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.Lease;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ConflictException;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.StoreException;
import io.holdfast.store.StoreKeys;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code holdfast publish}: the publish protocol of docs/DESIGN.md.
 * <ol>
 *   <li>Walk, hash, fingerprint and compress locally; the same id already committed with the same content is
 *       success with nothing uploaded, with other content a {@link ErrorKind#RELEASE_CONFLICT}.</li>
 *   <li>Write the lease (create-only) listing every digest; only then pass the GC gate.</li>
 *   <li>Make every blob exist, skipping those of earlier manifests that are still committed now.</li>
 *   <li>Renew the lease every third of its lifetime meanwhile.</li>
 *   <li>Commit the manifest (create-only), then confirm the lease is still ours and was never expired; if it was
 *       lost, start again at 2 with a new lease and check every blob. Then move the channel, delete the lease.</li>
 * </ol>
 * A failure anywhere before the commit leaves no visible release; a rerun uploads only what is missing.
 */
public final class Publisher {
    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final BlobStore store;
    private final PublishSettings settings;
    private final Clock clock;
    private final RenewalTimer timer;
    private final GcGate.Sleeper sleeper;
    private final PublishListener listener;
    private final Path indexDir;

    public Publisher(BlobStore store, PublishSettings settings, Clock clock, RenewalTimer timer, GcGate.Sleeper sleeper,
                     PublishListener listener) {
        this(store, settings, clock, timer, sleeper, listener, null);
    }

    private Publisher(BlobStore store, PublishSettings settings, Clock clock, RenewalTimer timer, GcGate.Sleeper sleeper,
                      PublishListener listener, Path indexDir) {
        this.indexDir = indexDir;
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.timer = timer;
        this.sleeper = sleeper;
        this.listener = listener;
    }

    /** With the real timer (ticking every ttl/30) and real waits. */
    public static Publisher standard(BlobStore store, PublishSettings settings, PublishListener listener) {
        Duration tick = settings.leaseTtl().dividedBy(30);
        return new Publisher(store, settings, Clock.systemUTC(),
                RenewalTimer.every(tick.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : tick),
                GcGate.Sleeper.REAL, listener);
    }

    /**
     * The same publisher, keeping a {@link HashIndex} of each published directory in {@code cacheDir} (null: none),
     * so files unchanged since the last publish from this machine are not read again.
     */
    public Publisher withHashIndex(Path cacheDir) {
        return new Publisher(store, settings, clock, timer, sleeper, listener, cacheDir);
    }

    public PublishResult publish(PublishRequest request) {
        Instant started = clock.instant();
        ExecutorService cpu = Executors.newFixedThreadPool(settings.threads(), daemon("holdfast-cpu"));
        ExecutorService io = Executors.newFixedThreadPool(settings.uploads(), daemon("holdfast-upload"));
        try (ScratchSpace scratch = new ScratchSpace(settings.scratchMemory())) {
            // What earlier releases say does not depend on this tree: read it while the tree is hashed.
            Future<PriorReleases> recent = io.submit(() -> PriorReleases.recent(store, request.channel(), settings.priorReleases()));
            Hashed hashed = walkAndHash(request, cpu);
            ReleaseId id = request.release().orElseGet(() -> {
                ReleaseId allocated = new ReleaseSequence(store).next();
                listener.releaseAllocated(allocated);
                return allocated;
            });
            LOG.debug("event=publish.hashed release={} files={}", id, hashed.files().size());
            ReleasePlanner planner = planner(hashed, cpu, scratch);
            if (hashed.index() != null && hashed.index().hits() > 0 && !recent.isDone()) {
                // An incremental publish: fingerprint, and compress the files that changed, while the earlier
                // releases are still being read.
                planner.begin(hashed.files(), hashed.read());
            }
            PriorReleases prior = await(recent).withSameId(store, id);
            LOG.debug("event=publish.prior_read release={} manifests={}", id, prior.manifests().size());
            ReleasePlan plan = plan(id.value(), planner, hashed, prior);
            hashed.saveIndex();
            Optional<PublishResult> done = alreadyCommitted(id, plan, prior, request, started);
            if (done.isPresent()) {
                return done.get();
            }
            return new Protocol(id, plan, prior, request, started, io).run();
        } finally {
            cpu.shutdownNow();
            io.shutdownNow();
        }
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HoldfastException(ErrorKind.INTERNAL, "interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re
                    : new HoldfastException(ErrorKind.INTERNAL, String.valueOf(e.getCause()), e.getCause());
        }
    }

    /**
     * {@code --dry-run}: the local work of a publish (walk, hash, fingerprint, compress) without touching the
     * store. Every blob counts as new; the release id is the one asked for, or null for {@code auto}.
     */
    public PublishResult dryRun(PublishRequest request) {
        Instant started = clock.instant();
        ExecutorService cpu = Executors.newFixedThreadPool(settings.threads(), daemon("holdfast-cpu"));
        try (ScratchSpace scratch = new ScratchSpace(settings.scratchMemory())) {
            Hashed hashed = walkAndHash(request, cpu);
            String label = request.release().map(ReleaseId::value).orElse("auto");
            ReleasePlan plan = plan(label, planner(hashed, cpu, scratch), hashed, PriorReleases.none());
            hashed.saveIndex();
            ReleaseManifest manifest = plan.manifest(request.release().orElse(ReleaseId.of("dry-run")), started, request.source());
            long blobBytes = plan.blobs().values().stream().mapToLong(BlobUploader.Blob::size).sum();
            return new PublishResult(request.release().orElse(null), plan.files(), plan.bytes(), plan.blobs().size(),
                    plan.blobs().size(), blobBytes, seconds(started), false, null, 0, manifest);
        } finally {
            cpu.shutdownNow();
        }
    }

    /** The hashed files, the index that saved reading some of them (null without one), the digests of those read. */
    private record Hashed(List<FileHasher.HashedFile> files, HashIndex index, Instant walkStarted, Set<Digest> read) {
        ReferenceCache references() {
            return index != null ? index : ReferenceCache.NONE;
        }

        void saveIndex() {
            if (index != null) {
                index.save(files, walkStarted);
            }
        }
    }

    private Hashed walkAndHash(PublishRequest request, ExecutorService cpu) {
        // File times are stamped by this machine's clock, so this one judges which index entries are too young.
        Instant walkStarted = clock.instant();
        HashIndex index = indexDir == null ? null : HashIndex.load(HashIndex.fileFor(indexDir, request.dir()), request.dir());
        SourceTree tree = SourceTree.scan(request.dir(), request.exclude(), settings.threads(), index != null);
        FileHasher.HashedFile[] out = new FileHasher.HashedFile[tree.files().size()];
        List<SourceFile> toRead = new ArrayList<>();
        List<Integer> where = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < out.length; i++) {
            SourceFile f = tree.files().get(i);
            Digest known = index != null ? index.digestOf(f) : null;
            if (known != null) {
                out[i] = new FileHasher.HashedFile(f, known, f.size());
            } else {
                toRead.add(f);
                where.add(i);
                bytes += f.size();
            }
        }
        if (index != null) {
            LOG.info("event=publish.index release={} files={} unchanged={} to_hash={}", request.release().map(ReleaseId::value)
                    .orElse("auto"), out.length, index.hits(), toRead.size());
        }
        listener.phase("hashing", toRead.size(), bytes);
        AtomicInteger hashedFiles = new AtomicInteger();
        AtomicLong hashedBytes = new AtomicLong();
        List<FileHasher.HashedFile> read = new FileHasher(cpu, settings.threads()).hash(toRead,
                n -> listener.progress(hashedFiles.incrementAndGet(), hashedBytes.addAndGet(n)));
        Set<Digest> readDigests = new java.util.HashSet<>();
        for (int j = 0; j < read.size(); j++) {
            out[where.get(j)] = read.get(j);
            readDigests.add(read.get(j).digest());
        }
        return new Hashed(List.of(out), index, walkStarted, readDigests);
    }

    private ReleasePlanner planner(Hashed hashed, ExecutorService cpu, ScratchSpace scratch) {
        VariantCompressor compressor = new VariantCompressor(settings.brotliQuality(), settings.gzipLevel(),
                settings.compressThreshold());
        return new ReleasePlanner(settings, cpu, scratch, compressor, listener, hashed.references());
    }

    private ReleasePlan plan(String release, ReleasePlanner planner, Hashed hashed, PriorReleases prior) {
        ReleasePlan plan = planner.plan(hashed.files(), prior);
        plan.warnings().forEach(w -> LOG.warn("event=publish.unresolved_reference release={} detail=\"{}\"", release, w));
        LOG.info("event=publish.planned release={} files={} bytes={} blobs={} reused_manifests={}", release, plan.files(),
                plan.bytes(), plan.blobs().size(), prior.manifests().size());
        return plan;
    }

    /** Step 1's check: the same id committed (or retired) before. */
    private Optional<PublishResult> alreadyCommitted(ReleaseId id, ReleasePlan plan, PriorReleases prior,
                                                     PublishRequest request, Instant started) {
        ReleaseManifest ours = plan.manifest(id, Instant.EPOCH, request.source());
        if (prior.retiredSameId().isPresent() && !prior.retiredSameId().get().sameContentAs(ours)) {
            throw conflict(id, prior.retiredSameId().get(), ours, "was retired with");
        }
        if (prior.sameId().isEmpty()) {
            return Optional.empty();
        }
        ReleaseManifest existing = prior.sameId().get();
        if (!existing.sameContentAs(ours)) {
            throw conflict(id, existing, ours, "is already committed with");
        }
        LOG.info("event=publish.already_committed release={} files={}", id, existing.assets().size());
        ChannelName moved = null;
        if (request.channel().isPresent()) {
            Instant at = store.head(StoreKeys.release(id)).map(ObjectInfo::lastModified).orElse(existing.created());
            moveChannel(request.channel().get(), id, at);
            moved = request.channel().get();
        }
        return Optional.of(new PublishResult(id, existing.assets().size(), existing.totalBytes(), existing.digests().size(),
                0, 0, seconds(started), true, moved, 0, existing));
    }

    private static HoldfastException conflict(ReleaseId id, ReleaseManifest existing, ReleaseManifest ours, String verb) {
        return new HoldfastException(ErrorKind.RELEASE_CONFLICT, "release " + id + " " + verb + " different content ("
                + firstDifference(existing, ours) + "); a release id never names two contents: publish under a new id");
    }

    /** A short description of how two manifests differ, naming up to three differing paths. */
    static String firstDifference(ReleaseManifest a, ReleaseManifest b) {
        Map<String, Asset> before = new java.util.TreeMap<>();
        a.assets().forEach(x -> before.put(x.path(), x));
        Map<String, Asset> after = new java.util.TreeMap<>();
        b.assets().forEach(x -> after.put(x.path(), x));
        java.util.TreeSet<String> differ = new java.util.TreeSet<>();
        after.forEach((path, asset) -> {
            if (!asset.equals(before.get(path))) {
                differ.add(path);
            }
        });
        before.keySet().stream().filter(p -> !after.containsKey(p)).forEach(differ::add);
        if (differ.isEmpty()) {
            return "same files";
        }
        String some = differ.stream().limit(3).collect(java.util.stream.Collectors.joining(", "));
        return differ.size() + (differ.size() == 1 ? " file differs: " : " files differ, e.g. ") + some;
    }

    /** Steps 2 to 5, repeated with a new lease whenever the lease is lost. */
    private final class Protocol {
        private final ReleaseId id;
        private final ReleasePlan plan;
        private final PriorReleases prior;
        private final PublishRequest request;
        private final Instant started;
        private final BlobUploader uploader;
        private final List<Digest> digests;
        private int created;
        private long bytesCreated;
        private ObjectInfo commit;

        Protocol(ReleaseId id, ReleasePlan plan, PriorReleases prior, PublishRequest request, Instant started,
                 ExecutorService io) {
            this.id = id;
            this.plan = plan;
            this.prior = prior;
            this.request = request;
            this.started = started;
            this.uploader = new BlobUploader(store, io, settings.uploads(), settings.headThreshold());
            this.digests = new ArrayList<>(new java.util.TreeSet<>(plan.blobs().keySet()));
        }

        PublishResult run() {
            for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
                Lease lease = new Lease(id + "-" + randomSuffix(), id, settings.leaseTtl().toSeconds(), 0, digests, false);
                LeaseKeeper keeper = LeaseKeeper.acquire(store, clock, lease);
                RenewalTimer.Handle ticking = timer.start(keeper::renewIfDue);
                try {
                    if (attempt(keeper, attempt)) {
                        return finish(attempt);
                    }
                    listener.note("lease lost (" + keeper.lostReason() + "); checking every blob again with a new lease");
                } catch (LeaseLostException e) {
                    listener.note("lease lost (" + e.getMessage() + "); checking every blob again with a new lease");
                } catch (RuntimeException e) {
                    LOG.warn("event=publish.failed release={} attempt={} committed={} error=\"{}\"", id, attempt,
                            commit != null, e.getMessage());
                    throw e;
                } finally {
                    ticking.close();
                    keeper.release(); // last: after the channel moved, or to clean up after a failure
                }
            }
            throw new HoldfastException(ErrorKind.STORE_FAILED, "release " + id + ": lost the publish lease "
                    + settings.maxAttempts() + " times (the lease lasts " + settings.leaseTtl().toSeconds()
                    + "s; is this machine pausing, or GC revoking leases?)" + (commit != null
                    ? "; the release is committed: run 'holdfast publish' again, then 'holdfast verify " + id + "'" : ""));
        }

        /** @return true if the release is committed and the lease confirmed; false if the lease was lost */
        private boolean attempt(LeaseKeeper keeper, int attempt) {
            new GcGate(store, sleeper, listener::note).await(keeper, id.value());
            // Proof by committed manifests only on the first attempt: after a lost lease, every blob is checked.
            Set<Digest> proven = attempt == 1 ? prior.proven(store, id) : Set.of();
            List<BlobUploader.Blob> todo = new ArrayList<>();
            long todoBytes = 0;
            for (Digest d : digests) {
                if (!proven.contains(d)) {
                    BlobUploader.Blob b = plan.blobs().get(d);
                    todo.add(b);
                    todoBytes += b.size();
                }
            }
            LOG.info("event=publish.uploading release={} attempt={} blobs={} proven={} to_check={} bytes={}", id, attempt,
                    digests.size(), digests.size() - todo.size(), todo.size(), todoBytes);
            listener.phase("uploading", todo.size(), todoBytes);
            AtomicInteger n = new AtomicInteger();
            AtomicLong b = new AtomicLong();
            BlobUploader.Stats stats = uploader.upload(todo, keeper,
                    blob -> listener.progress(n.incrementAndGet(), b.addAndGet(blob.size())));
            created += stats.created();
            bytesCreated += stats.bytesCreated();
            // A renewal just before the commit: a lease lost during the uploads is noticed before anything
            // becomes visible (the confirmation after the commit covers the moment in between).
            if (!keeper.renew()) {
                return false;
            }
            commitManifest(keeper);
            return keeper.confirm();
        }

        /** Create-only; finding it there already is fine if it says the same (a repair, or a concurrent twin). */
        private void commitManifest(LeaseKeeper keeper) {
            ReleaseManifest manifest = plan.manifest(id, keeper.storeNow(), request.source());
            String key = StoreKeys.release(id);
            try {
                commit = store.compareAndSwap(key, Documents.encode(manifest), Optional.empty());
                LOG.info("event=publish.committed release={} files={} blobs={} new_blobs={}", id, plan.files(),
                        digests.size(), created);
            } catch (ConflictException e) {
                ReleaseManifest existing = new io.holdfast.catalog.ReleaseCatalog(store).read(id).orElseThrow(() ->
                        new StoreException(ErrorKind.STORE_FAILED, "store object " + key + " exists but cannot be read", true, e));
                if (!existing.sameContentAs(manifest)) {
                    throw conflict(id, existing, manifest, "was committed meanwhile by another publish with");
                }
                if (commit == null) {
                    commit = store.head(key).orElseThrow(() -> new StoreException(ErrorKind.STORE_FAILED,
                            "store object " + key + " vanished", true, e));
                }
                LOG.info("event=publish.commit_exists release={}", id);
            }
        }

        private PublishResult finish(int attempts) {
            ChannelName moved = null;
            if (request.channel().isPresent()) {
                moveChannel(request.channel().get(), id, commit.lastModified());
                moved = request.channel().get();
            }
            PublishResult result = new PublishResult(id, plan.files(), plan.bytes(), digests.size(), created, bytesCreated,
                    seconds(started), false, moved, attempts, plan.manifest(id, commit.lastModified(), request.source()));
            LOG.info("event=publish.done release={} files={} bytes={} blobs={} new_blobs={} bytes_uploaded={} seconds={} attempts={}",
                    id, result.files(), result.bytes(), result.blobs(), result.newBlobs(), result.bytesUploaded(),
                    String.format(java.util.Locale.ROOT, "%.3f", result.seconds()), attempts);
            return result;
        }
    }

    /** After the commit: a failure here leaves a complete release, so the message says what is left to do. */
    private void moveChannel(ChannelName channel, ReleaseId id, Instant at) {
        try {
            new ChannelMover(store, clock).afterPublish(channel, id, at);
        } catch (HoldfastException e) {
            throw new HoldfastException(e.kind(), "release " + id + " is committed, but channel " + channel
                    + " was not moved (" + e.getMessage() + "); run 'holdfast promote " + id + " --channel " + channel + "'", e);
        }
    }

    private double seconds(Instant started) {
        return Duration.between(started, clock.instant()).toNanos() / 1e9;
    }

    private static String randomSuffix() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
