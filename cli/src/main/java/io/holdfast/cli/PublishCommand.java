package io.holdfast.cli;

import io.holdfast.fingerprint.EntryPoints;
import io.holdfast.manifest.ChannelName;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.Source;
import io.holdfast.publish.FrameworkManifestWriter;
import io.holdfast.publish.HashIndex;
import io.holdfast.publish.PublishRequest;
import io.holdfast.publish.PublishResult;
import io.holdfast.publish.PublishSettings;
import io.holdfast.publish.Publisher;
import io.holdfast.store.BlobStore;
import io.holdfast.store.fs.FileSystemStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code holdfast publish DIR --release ID|auto}: publishes a build output directory as an immutable release. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Publish a directory of web assets as an immutable release.",
            "Files are hashed, fingerprinted (name-<hex>.ext; entry points such as HTML keep their names), CSS and JS",
            "references are rewritten, compressible files get br and gzip variants, and only blobs the store does not",
            "have are uploaded. The release becomes visible only once every blob exists."})
final class PublishCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "DIR", description = "The build output directory.")
    Path dir;

    @Option(names = "--release", required = true, paramLabel = "ID|auto",
            description = "Release id (letters, digits, '.', '_', '-'), or 'auto' for the next number from the store.")
    String release;

    @Option(names = "--channel", paramLabel = "NAME", description = "Move this channel to the release after the commit.")
    String channel;

    @Option(names = "--write-manifest", split = ",", paramLabel = "FORMAT",
            description = "After publishing, write manifests into DIR: json (.holdfast-manifest.json, with SRI), "
                    + "propshaft (.manifest.json), sprockets (.sprockets-manifest-<hex>.json). Repeatable or comma-separated.")
    List<String> writeManifest = new ArrayList<>();

    @Option(names = "--prefix", paramLabel = "PATH", defaultValue = "",
            description = "URL path the directory is served under, e.g. 'assets' for Rails (default: the root).")
    String prefix;

    @Option(names = "--entry-point", paramLabel = "GLOB",
            description = "Also keep the names of files matching GLOB (repeatable; '*.txt', '/robots.txt', 'static/**').")
    List<String> entryPoints = new ArrayList<>();

    @Option(names = "--no-default-entry-points",
            description = "Keep only --entry-point names, not the defaults (HTML, robots.txt, favicon.ico, web manifests, service workers).")
    boolean noDefaultEntryPoints;

    @Option(names = "--commit", paramLabel = "SHA", description = "Source commit to record (default: $GITHUB_SHA, $CI_COMMIT_SHA or $GIT_COMMIT).")
    String commit;

    @Option(names = "--branch", paramLabel = "NAME", description = "Source branch to record (default: $GITHUB_REF_NAME, $CI_COMMIT_REF_NAME or $GIT_BRANCH).")
    String branch;

    @Option(names = "--builder", paramLabel = "TEXT", description = "Who built it, to record (default: the CI system's run, if known).")
    String builder;

    @Option(names = "--brotli-quality", defaultValue = "4", paramLabel = "0-11",
            description = "Brotli quality of br variants (default ${DEFAULT-VALUE}; 5 is ~7%% smaller and half as fast, 11 ~15%% smaller and ~100x slower).")
    int brotliQuality;

    @Option(names = "--gzip-level", defaultValue = "3", paramLabel = "1-9",
            description = "Level of gzip variants, served only to clients without brotli (default ${DEFAULT-VALUE}).")
    int gzipLevel;

    @Option(names = "--compress-min-size", defaultValue = "1024", paramLabel = "BYTES",
            description = "Smallest file that gets br/gzip variants (default ${DEFAULT-VALUE}).")
    long compressMinSize;

    @Option(names = "--uploads", defaultValue = "16", paramLabel = "N", description = "Concurrent uploads (default ${DEFAULT-VALUE}).")
    int uploads;

    @Option(names = "--threads", paramLabel = "N", description = "Hashing and compression threads (default: the number of CPUs).")
    Integer threads;

    @Option(names = "--lease-ttl", defaultValue = "600", paramLabel = "SECONDS",
            description = "Lifetime of the publish lease, renewed every third of it (default ${DEFAULT-VALUE}).")
    long leaseTtl;

    @Option(names = "--dry-run", description = "Walk, hash, fingerprint and compress, print the summary; touch no store.")
    boolean dryRun;

    @Option(names = "--no-index",
            description = "Read and hash every file: do not use or update the local index of unchanged files.")
    boolean noIndex;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Where the index of unchanged files is kept (default: $HOLDFAST_CACHE_DIR, "
                    + "$XDG_CACHE_HOME/holdfast or ~/.cache/holdfast).")
    Path cacheDir;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<ReleaseId> id = "auto".equals(release) ? Optional.empty() : Optional.of(ReleaseId.of(release));
        Optional<ChannelName> ch = Optional.ofNullable(channel).map(ChannelName::of);
        List<FrameworkManifestWriter.Format> formats = writeManifest.stream().map(FrameworkManifestWriter.Format::parse).toList();
        PublishSettings settings = settings();
        TerminalProgress progress = new TerminalProgress(err, output.showProgress());
        Source source = new Source(first(commit, "GITHUB_SHA", "CI_COMMIT_SHA", "GIT_COMMIT"),
                first(branch, "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME", "GIT_BRANCH"), builder != null ? builder : ciRun());

        PublishResult result;
        if (dryRun) {
            PublishRequest request = new PublishRequest(dir, id, ch, source, Set.of());
            result = Publisher.standard(null, settings, progress).withHashIndex(indexDir()).dryRun(request);
        } else {
            // An S3 store opens while the tree is walked and hashed; a filesystem store is needed to walk (it may
            // live inside the tree) and opens at once anyway.
            String uri = store.config().uri();
            try (BlobStore s = uri != null && uri.startsWith("s3:")
                    ? new OpeningStore(() -> store.open(true), uri) : store.open(true)) {
                Set<Path> exclude = s instanceof FileSystemStore fs ? Set.of(fs.root()) : Set.of();
                result = Publisher.standard(s, settings, progress).withHashIndex(indexDir())
                        .publish(new PublishRequest(dir, id, ch, source, exclude));
            }
        }
        progress.finishLine();
        if (!dryRun) {
            FrameworkManifestWriter writer = new FrameworkManifestWriter(dir, settings.prefix());
            for (FrameworkManifestWriter.Format f : formats) {
                Path written = writer.write(result.manifest(), f);
                if (!output.json()) {
                    err.println("holdfast: wrote " + written);
                }
            }
        }
        if (output.json()) {
            out.println(new String(Documents.encode(summary(result)), java.nio.charset.StandardCharsets.UTF_8));
        } else {
            out.println(text(result));
        }
        out.flush();
        return 0;
    }

    private Path indexDir() {
        if (noIndex) {
            return null;
        }
        return cacheDir != null ? cacheDir : HashIndex.defaultCacheDir(System.getenv());
    }

    private PublishSettings settings() {
        return new PublishSettings(EntryPoints.of(!noDefaultEntryPoints, entryPoints), prefix, brotliQuality, gzipLevel,
                compressMinSize, threads != null ? threads : Runtime.getRuntime().availableProcessors(), uploads,
                Duration.ofSeconds(leaseTtl), 3, 1 << 20, 256L << 20, 5);
    }

    private Map<String, Object> summary(PublishResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("release", r.release() == null ? null : r.release().value());
        m.put("files", r.files());
        m.put("bytes", r.bytes());
        m.put("blobs", r.blobs());
        m.put("newBlobs", r.newBlobs());
        m.put("bytesUploaded", r.bytesUploaded());
        m.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
        m.put("alreadyCommitted", r.alreadyCommitted());
        m.put("channel", r.channel() == null ? null : r.channel().value());
        m.put("dryRun", dryRun);
        return m;
    }

    private String text(PublishResult r) {
        String what = dryRun ? "dry run" + (r.release() == null ? "" : " of release " + r.release())
                : "release " + r.release() + (r.alreadyCommitted() ? " was already published" : " published");
        String line = String.format(Locale.ROOT, "%s: %d files, %s; %d new blobs, %s %s in %.1f s", what, r.files(),
                TextFormat.bytes(r.bytes()), r.newBlobs(), TextFormat.bytes(r.bytesUploaded()),
                dryRun ? "to upload at most" : "uploaded", r.seconds());
        return r.channel() == null ? line : line + "\nchannel " + r.channel() + " → " + r.release();
    }

    private static String first(String explicit, String... envs) {
        if (explicit != null && !explicit.isBlank()) {
            return explicit;
        }
        for (String e : envs) {
            String v = System.getenv(e);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    private static String ciRun() {
        String gh = System.getenv("GITHUB_RUN_ID");
        if (gh != null) {
            return "github-actions run " + gh;
        }
        String gl = System.getenv("CI_JOB_ID");
        return gl != null ? "gitlab job " + gl : null;
    }
}
