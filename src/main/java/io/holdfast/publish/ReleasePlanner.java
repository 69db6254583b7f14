package io.holdfast.publish;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.fingerprint.ContentTypes;
import io.holdfast.fingerprint.FingerprintedFile;
import io.holdfast.fingerprint.Fingerprinter;
import io.holdfast.fingerprint.ReferenceCache;
import io.holdfast.fingerprint.SourceAsset;
import io.holdfast.manifest.Asset;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Variant;
import io.holdfast.store.Payload;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publish protocol step 1, the local part: fingerprints the hashed files, rewrites CSS/JS references, makes the
 * precompressed variants, and collects every blob with the source of its bytes. Nothing here touches the store:
 * what earlier releases know comes in as {@link PriorReleases}.
 */
final class ReleasePlanner {
    private final PublishSettings settings;
    private final ExecutorService cpu;
    private final ScratchSpace scratch;
    private final VariantCompressor compressor;
    private final PublishListener listener;
    private final ReferenceCache references;

    ReleasePlanner(PublishSettings settings, ExecutorService cpu, ScratchSpace scratch, VariantCompressor compressor,
                   PublishListener listener) {
        this(settings, cpu, scratch, compressor, listener, ReferenceCache.NONE);
    }

    ReleasePlanner(PublishSettings settings, ExecutorService cpu, ScratchSpace scratch, VariantCompressor compressor,
                   PublishListener listener, ReferenceCache references) {
        this.references = references;
        this.settings = settings;
        this.cpu = cpu;
        this.scratch = scratch;
        this.compressor = compressor;
        this.listener = listener;
    }

    /**
     * Local work that does not need the earlier releases, begun while they are still being read: the first
     * fingerprinting pass, and compression of the contents in {@code fresh} (those the hash index did not know,
     * so most likely new to the store too). {@link #plan} stops it, waits for what is in flight and uses what
     * it made; its results are exactly what {@link #plan} would compute (a variant is a function of the content).
     */
    private final class HeadStart {
        final AtomicBoolean stop = new AtomicBoolean();
        final Map<Digest, Map<String, ScratchSpace.StagedBlob>> compressed = new ConcurrentHashMap<>();
        final List<Future<?>> workers = Collections.synchronizedList(new ArrayList<>());
        final Map<String, Path> fileOf;
        volatile Fingerprinter.Result first;
        Future<?> lead;

        HeadStart(List<FileHasher.HashedFile> hashed) {
            fileOf = new HashMap<>(hashed.size() * 2);
            hashed.forEach(h -> fileOf.put(h.source().path(), h.source().file()));
        }

        void begin(List<SourceAsset> inputs, Set<Digest> fresh) {
            lead = cpu.submit(() -> {
                first = new Fingerprinter(settings.entryPoints(), settings.prefix(), Set.of(), references).fingerprint(inputs);
                List<FingerprintedFile> todo = new ArrayList<>();
                Set<Digest> seen = new HashSet<>();
                Map<String, Digest> original = new HashMap<>(inputs.size() * 2);
                inputs.forEach(i -> original.put(i.path(), i.digest()));
                for (FingerprintedFile f : first.files()) {
                    if (fresh.contains(original.get(f.path())) && compressor.wants(ContentTypes.forPath(f.path()), f.size())
                            && seen.add(f.digest())) {
                        todo.add(f);
                    }
                }
                AtomicInteger next = new AtomicInteger();
                for (int w = 1; w < Math.min(settings.threads(), todo.size()); w++) {
                    workers.add(cpu.submit(() -> compressSome(todo, next)));
                }
                compressSome(todo, next);
                return null;
            });
        }

        private Void compressSome(List<FingerprintedFile> todo, AtomicInteger next) throws IOException {
            for (int i = next.getAndIncrement(); i < todo.size() && !stop.get(); i = next.getAndIncrement()) {
                FingerprintedFile f = todo.get(i);
                compressed.put(f.digest(), compressor.compress(identity(f, fileOf.get(f.path())).payload(), scratch));
            }
            return null;
        }

        /** Waits for the fingerprinting pass and every compression worker. */
        void await() throws InterruptedException, ExecutionException {
            lead.get();
            for (Future<?> w : List.copyOf(workers)) {
                w.get();
            }
        }

        /** Stops it; false if any part of it failed (plan then does all the work itself, and meets the failure). */
        boolean finish() {
            stop.set(true);
            try {
                await();
                return first != null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HoldfastException(ErrorKind.INTERNAL, "interrupted", e);
            } catch (ExecutionException e) {
                return false;
            }
        }
    }

    private HeadStart headStart;

    /** Begins {@link HeadStart}; call at most once, before {@link #plan}. */
    void begin(List<FileHasher.HashedFile> hashed, Set<Digest> fresh) {
        HeadStart h = new HeadStart(hashed);
        h.begin(inputs(hashed), fresh);
        headStart = h;
    }

    /** Waits until the head start has done all it set out to do (tests). */
    void awaitBegun() throws Exception {
        headStart.await();
    }

    /** Where a fingerprinted file's bytes come from: its rewritten bytes, or else the source file as it is. */
    private static BlobUploader.Source identity(FingerprintedFile f, Path file) {
        return f.isRewritten()
                ? () -> new Payload(null, f.rewritten(), f.rewritten().length, f.digest())
                : () -> Payload.ofFile(file, f.size(), f.digest());
    }

    private static List<SourceAsset> inputs(List<FileHasher.HashedFile> hashed) {
        List<SourceAsset> inputs = new ArrayList<>(hashed.size());
        for (FileHasher.HashedFile h : hashed) {
            inputs.add(new SourceAsset(h.source().path(), h.digest(), h.size(), new FileContent(h.source())));
        }
        return inputs;
    }

    ReleasePlan plan(List<FileHasher.HashedFile> hashed, PriorReleases prior) {
        Map<String, FileHasher.HashedFile> byPath = new HashMap<>(hashed.size() * 2);
        for (FileHasher.HashedFile h : hashed) {
            byPath.put(h.source().path(), h);
        }
        List<SourceAsset> inputs = inputs(hashed);
        HeadStart head = headStart != null && headStart.finish() ? headStart : null;
        Fingerprinter.Result fp = fingerprint(inputs, prior, head != null ? head.first : null);
        Map<Digest, Map<String, ScratchSpace.StagedBlob>> early = head != null ? head.compressed : Map.of();

        Map<String, Variant> noVariants = Map.of();
        Map<Digest, Map<String, Variant>> known = prior.variantsByContent();
        Map<Digest, BlobUploader.Blob> blobs = new LinkedHashMap<>(hashed.size() * 2);
        List<Pending> toCompress = new ArrayList<>();
        Set<Digest> compressing = new HashSet<>();
        List<Asset> assets = new ArrayList<>(fp.files().size());
        Map<String, Map<String, Variant>> variantsOf = new HashMap<>(hashed.size() * 2);
        long bytes = 0;
        for (FingerprintedFile f : fp.files()) {
            FileHasher.HashedFile h = byPath.get(f.path());
            String type = ContentTypes.forPath(f.path());
            BlobUploader.Source identity = identity(f, h.source().file());
            blobs.putIfAbsent(f.digest(), new BlobUploader.Blob(f.digest(), f.size(), false, identity));
            bytes += f.size();
            if (!compressor.wants(type, f.size())) {
                variantsOf.put(f.path(), noVariants);
            } else if (known.containsKey(f.digest())) {
                Map<String, Variant> reused = known.get(f.digest());
                variantsOf.put(f.path(), reused);
                reused.forEach((enc, v) -> blobs.putIfAbsent(v.digest(),
                        new BlobUploader.Blob(v.digest(), v.size(), true, () -> recreate(identity, enc, v, f.path()))));
            } else {
                variantsOf.put(f.path(), null); // filled in after compression
                if (!early.containsKey(f.digest()) && compressing.add(f.digest())) {
                    toCompress.add(new Pending(f, identity));
                }
            }
        }
        Map<Digest, Map<String, ScratchSpace.StagedBlob>> made = compressAll(toCompress);
        made.putAll(early);
        for (FingerprintedFile f : fp.files()) {
            Map<String, Variant> variants = variantsOf.get(f.path());
            if (variants == null) {
                Map<String, Variant> v = new LinkedHashMap<>();
                made.get(f.digest()).forEach((enc, staged) -> {
                    v.put(enc, new Variant(staged.digest(), staged.size()));
                    blobs.putIfAbsent(staged.digest(), new BlobUploader.Blob(staged.digest(), staged.size(), false, staged::payload));
                });
                variants = v;
            }
            String type = ContentTypes.forPath(f.path());
            assets.add(new Asset(settings.prefix() + f.path(), settings.prefix() + f.servedPath(), f.digest(), f.size(),
                    type, f.digest().integrity(), f.entryPoint(), variants));
        }
        return new ReleasePlan(assets, blobs, bytes, fp.unresolved());
    }

    /**
     * Fingerprints; a name that looks bundler-hashed but served other bytes in an earlier release is not
     * content-addressed after all, and is fingerprinted in a second pass (invariant 3).
     */
    private Fingerprinter.Result fingerprint(List<SourceAsset> inputs, PriorReleases prior, Fingerprinter.Result begun) {
        Fingerprinter.Result first = begun != null ? begun
                : new Fingerprinter(settings.entryPoints(), settings.prefix(), Set.of(), references).fingerprint(inputs);
        Map<String, Digest> immutable = prior.immutableNames();
        Set<String> force = new HashSet<>();
        for (FingerprintedFile f : first.files()) {
            if (!f.entryPoint() && f.servedPath().equals(f.path())) {
                Digest before = immutable.get(settings.prefix() + f.servedPath());
                if (before != null && !before.equals(f.digest())) {
                    force.add(f.path());
                }
            }
        }
        if (force.isEmpty()) {
            return first;
        }
        return new Fingerprinter(settings.entryPoints(), settings.prefix(), force, references).fingerprint(inputs);
    }

    private record Pending(FingerprintedFile file, BlobUploader.Source identity) {
    }

    private Map<Digest, Map<String, ScratchSpace.StagedBlob>> compressAll(List<Pending> pending) {
        Map<Digest, Map<String, ScratchSpace.StagedBlob>> out = new ConcurrentHashMap<>();
        if (pending.isEmpty()) {
            return out;
        }
        long total = pending.stream().mapToLong(p -> p.file().size()).sum();
        listener.phase("compressing", pending.size(), total);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicLong doneBytes = new AtomicLong();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < Math.min(settings.threads(), pending.size()); w++) {
            workers.add(cpu.submit(() -> {
                for (int i = next.getAndIncrement(); i < pending.size(); i = next.getAndIncrement()) {
                    Pending p = pending.get(i);
                    try {
                        out.put(p.file().digest(), compressor.compress(p.identity().payload(), scratch));
                    } catch (IOException e) {
                        throw new HoldfastException(ErrorKind.BAD_INPUT, "cannot compress " + p.file().path() + ": " + e.getMessage(), e);
                    }
                    listener.progress(done.incrementAndGet(), doneBytes.addAndGet(p.file().size()));
                }
                return null;
            }));
        }
        for (Future<?> f : workers) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                next.set(pending.size());
                throw new HoldfastException(ErrorKind.INTERNAL, "interrupted while compressing", e);
            } catch (ExecutionException e) {
                next.set(pending.size());
                throw e.getCause() instanceof RuntimeException re ? re
                        : new HoldfastException(ErrorKind.INTERNAL, "compression failed: " + e.getCause(), e.getCause());
            }
        }
        return out;
    }

    /**
     * The bytes of a variant an earlier release made, needed only if its blob has gone from the store. Compression
     * is deterministic for one encoder and setting; if this publish's settings give other bytes, the blob cannot
     * be recreated and the publish stops before claiming success.
     */
    private Payload recreate(BlobUploader.Source identity, String encoding, Variant wanted, String path) throws IOException {
        ScratchSpace.StagedBlob staged = compressor.recreate(identity.payload(), scratch, encoding);
        if (staged == null || !staged.digest().equals(wanted.digest())) {
            throw new HoldfastException(ErrorKind.STORE_FAILED, "the " + encoding + " variant of " + path + " (blob "
                    + wanted.digest() + ", made by an earlier publish) is missing from the store and these compression"
                    + " settings do not recreate it; publish again (the next run compresses afresh)");
        }
        return staged.payload();
    }

    /** Reads a source file again for fingerprinting (whole, or only its tail). */
    private record FileContent(SourceFile file) implements SourceAsset.Content {
        @Override
        public byte[] read() throws IOException {
            return Files.readAllBytes(file.file());
        }

        @Override
        public byte[] readTail(int max) throws IOException {
            try (FileChannel ch = FileChannel.open(file.file(), StandardOpenOption.READ)) {
                long size = ch.size();
                int n = (int) Math.min(size, max);
                ByteBuffer buf = ByteBuffer.allocate(n);
                long pos = size - n;
                while (buf.hasRemaining()) {
                    int r = ch.read(buf, pos + buf.position());
                    if (r < 0) {
                        break;
                    }
                }
                byte[] out = new byte[buf.position()];
                buf.flip().get(out);
                return out;
            }
        }
    }
}
