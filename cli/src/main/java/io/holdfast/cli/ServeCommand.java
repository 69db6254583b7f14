package io.holdfast.cli;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.ChannelName;
import io.holdfast.origin.OriginConfig;
import io.holdfast.origin.OriginServer;
import io.holdfast.store.BlobStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code holdfast serve}: the origin server. Every flag also reads an environment variable (see
 * origin-server/deploy/holdfast.env.example). Prints one key=value line with its URLs once it listens, then runs
 * until SIGTERM/SIGINT, which drains it (in-flight requests finish, bounded by --drain-timeout).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve every retained release over HTTP (the origin a CDN pulls from), with health, readiness and metrics on an admin port.")
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Mixin
    OutputOptions output;

    @Option(names = "--bind", defaultValue = "${env:HOLDFAST_BIND:-0.0.0.0}",
            description = "Address to listen on (env HOLDFAST_BIND; default ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--port", defaultValue = "${env:HOLDFAST_PORT:-8080}",
            description = "Port for assets; 0 picks a free one (env HOLDFAST_PORT; default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--admin-bind", defaultValue = "${env:HOLDFAST_ADMIN_BIND}",
            description = "Address of the admin listener (env HOLDFAST_ADMIN_BIND; default: --bind).")
    String adminBind;

    @Option(names = "--admin-port", defaultValue = "${env:HOLDFAST_ADMIN_PORT:-9090}",
            description = "Port for /healthz, /readyz, /metrics (env HOLDFAST_ADMIN_PORT; default ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--channel", defaultValue = "${env:HOLDFAST_CHANNEL:-production}",
            description = "Channel whose current release serves the entry points at / (env HOLDFAST_CHANNEL; default ${DEFAULT-VALUE}).")
    String channel;

    @Option(names = "--cors-origin", split = ",", defaultValue = "${env:HOLDFAST_CORS_ORIGINS:-*}",
            description = "Origins allowed to load assets cross-origin (fonts, module scripts): '*', a comma-separated list, or 'none' (env HOLDFAST_CORS_ORIGINS; default ${DEFAULT-VALUE}).")
    List<String> corsOrigins;

    @Option(names = "--cache-bytes", converter = Units.Size.class, defaultValue = "${env:HOLDFAST_CACHE_BYTES:-128m}",
            description = "Memory cache of hot blobs (direct memory: keep it below -XX:MaxDirectMemorySize), e.g. 256m; 0 disables it (env HOLDFAST_CACHE_BYTES; default ${DEFAULT-VALUE}).")
    long cacheBytes;

    @Option(names = "--max-cached-blob", converter = Units.Size.class, defaultValue = "${env:HOLDFAST_MAX_CACHED_BLOB:-64k}",
            description = "Larger blobs are sent zero-copy from files (filesystem store, disk cache) or streamed, not cached in memory; with --disk-cache-bytes 0 on S3, raise it to 1m (env HOLDFAST_MAX_CACHED_BLOB; default ${DEFAULT-VALUE}).")
    long maxCachedBlob;

    @Option(names = "--disk-cache-dir", defaultValue = "${env:HOLDFAST_DISK_CACHE_DIR}",
            description = "S3 stores: keep large blobs in this directory (emptied at start) and send them zero-copy (env HOLDFAST_DISK_CACHE_DIR; default: a private temporary directory, removed at exit; --disk-cache-bytes 0 streams them instead).")
    Path diskCacheDir;

    @Option(names = "--disk-cache-bytes", converter = Units.Size.class, defaultValue = "${env:HOLDFAST_DISK_CACHE_BYTES:-1g}",
            description = "Bound of the disk cache; 0 turns it off, so blobs over --max-cached-blob are fetched from S3 on every request (env HOLDFAST_DISK_CACHE_BYTES; default ${DEFAULT-VALUE}).")
    long diskCacheBytes;

    @Option(names = "--max-open-files", defaultValue = "${env:HOLDFAST_MAX_OPEN_FILES:-2000}",
            description = "File descriptors for verified blob files kept open between responses (one per file and I/O thread), so a response costs one sendfile and no open or close (env HOLDFAST_MAX_OPEN_FILES; default ${DEFAULT-VALUE}; 0 opens the file per response).")
    int maxOpenFiles;

    @Option(names = "--entry-cache-control", defaultValue = "${env:HOLDFAST_ENTRY_CACHE_CONTROL:-no-cache}",
            description = "Cache-Control of entry points such as /index.html (env HOLDFAST_ENTRY_CACHE_CONTROL; default ${DEFAULT-VALUE}).")
    String entryCacheControl;

    @Option(names = "--not-found-cache-control", defaultValue = "${env:HOLDFAST_NOT_FOUND_CACHE_CONTROL:-no-store}",
            description = "Cache-Control of 404 answers, e.g. 'public, max-age=10' (env HOLDFAST_NOT_FOUND_CACHE_CONTROL; default ${DEFAULT-VALUE}).")
    String notFoundCacheControl;

    @Option(names = "--no-access-report", defaultValue = "${env:HOLDFAST_NO_ACCESS_REPORT:-false}",
            description = "Do not write access/<origin-id>.json; the store is then only read (env HOLDFAST_NO_ACCESS_REPORT).")
    boolean noAccessReport;

    @Option(names = "--access-report-interval", converter = Units.Time.class,
            defaultValue = "${env:HOLDFAST_ACCESS_REPORT_INTERVAL:-60s}",
            description = "How often the access report is written (env HOLDFAST_ACCESS_REPORT_INTERVAL; default ${DEFAULT-VALUE}).")
    Duration accessReportInterval;

    @Option(names = "--origin-id", defaultValue = "${env:HOLDFAST_ORIGIN_ID}",
            description = "This origin's name in access reports (env HOLDFAST_ORIGIN_ID; default: the host name).")
    String originId;

    @Option(names = "--no-access-log", defaultValue = "${env:HOLDFAST_NO_ACCESS_LOG:-false}",
            description = "No per-request line on the holdfast.access logger (env HOLDFAST_NO_ACCESS_LOG).")
    boolean noAccessLog;

    @Option(names = "--refresh-interval", converter = Units.Time.class, defaultValue = "${env:HOLDFAST_REFRESH_INTERVAL:-2s}",
            description = "How often releases and channels are listed again (env HOLDFAST_REFRESH_INTERVAL; default ${DEFAULT-VALUE}).")
    Duration refreshInterval;

    @Option(names = "--miss-lookup-interval", converter = Units.Time.class,
            defaultValue = "${env:HOLDFAST_MISS_LOOKUP_INTERVAL:-1s}",
            description = "At most one store lookup per interval for unknown paths (env HOLDFAST_MISS_LOOKUP_INTERVAL; default ${DEFAULT-VALUE}).")
    Duration missLookupInterval;

    @Option(names = "--drain-timeout", converter = Units.Time.class, defaultValue = "${env:HOLDFAST_DRAIN_TIMEOUT:-30s}",
            description = "On SIGTERM, how long in-flight requests may take to finish (env HOLDFAST_DRAIN_TIMEOUT; default ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--io-threads", defaultValue = "${env:HOLDFAST_IO_THREADS:-0}",
            description = "I/O threads; 0 means one per CPU (env HOLDFAST_IO_THREADS).")
    int ioThreads;

    @Option(names = "--worker-threads", defaultValue = "${env:HOLDFAST_WORKER_THREADS:-0}",
            description = "Threads for store reads and streams; 0 means 8 per CPU (env HOLDFAST_WORKER_THREADS).")
    int workerThreads;

    @Option(names = "--request-timeout", converter = Units.Time.class, defaultValue = "${env:HOLDFAST_REQUEST_TIMEOUT:-10s}",
            description = "A client must send its request head within this (env HOLDFAST_REQUEST_TIMEOUT; default ${DEFAULT-VALUE}).")
    Duration requestTimeout;

    @Option(names = "--idle-timeout", converter = Units.Time.class, defaultValue = "${env:HOLDFAST_IDLE_TIMEOUT:-60s}",
            description = "Idle keep-alive connections are closed after this (env HOLDFAST_IDLE_TIMEOUT; default ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--max-header-size", converter = Units.Size.class, defaultValue = "${env:HOLDFAST_MAX_HEADER_SIZE:-16k}",
            description = "Largest request head accepted (env HOLDFAST_MAX_HEADER_SIZE; default ${DEFAULT-VALUE}).")
    long maxHeaderSize;

    @Option(names = "--send-buffer", converter = Units.Size.class, defaultValue = "${env:HOLDFAST_SEND_BUFFER:-1m}",
            description = "Socket send buffer asked for each connection (the kernel doubles it); 0 leaves it to the kernel's autotuning, for long, fast paths to the CDN (env HOLDFAST_SEND_BUFFER; default ${DEFAULT-VALUE}).")
    long sendBuffer;

    @Override
    public Integer call() throws Exception {
        config(); // flags checked before the store is opened
        BlobStore blobs = store.open(false);
        Path privateDiskCache = null;
        if (diskCacheDir == null && diskCacheBytes > 0
                && !blobs.blobsAreLocalFiles()) {
            // A remote store without a disk cache would fetch every blob over --max-cached-blob from the store on
            // every request (a tenth of the filesystem origin's bandwidth): default to a directory of our own.
            try {
                privateDiskCache = Files.createTempDirectory("holdfast-disk-cache-");
            } catch (IOException e) {
                blobs.close();
                throw new HoldfastException(ErrorKind.USAGE, "cannot create a disk cache directory in "
                        + System.getProperty("java.io.tmpdir") + " (set --disk-cache-dir, or --disk-cache-bytes 0): " + e.getMessage(), e);
            }
            diskCacheDir = privateDiskCache;
        }
        OriginConfig config = config();
        Path removeAtExit = privateDiskCache;
        OriginServer server;
        try {
            server = OriginServer.start(config, blobs, Clock.systemUTC());
        } catch (RuntimeException e) {
            blobs.close();
            if (removeAtExit != null) {
                deleteTree(removeAtExit);
            }
            throw new HoldfastException(ErrorKind.USAGE, "cannot listen on " + bind + ":" + port + " / "
                    + config.adminBind() + ":" + adminPort + ": " + rootMessage(e), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.drain(drainTimeout);
                blobs.close();
                if (removeAtExit != null) {
                    deleteTree(removeAtExit);
                }
            } finally {
                stopped.countDown();
            }
        }, "holdfast-drain"));
        PrintWriter out = spec.commandLine().getOut();
        var snapshot = server.index().snapshot();
        String release = snapshot.current() == null ? "-" : snapshot.current().value();
        if (output.json()) {
            out.println("{\"url\":\"" + server.url() + "\",\"admin\":\"" + server.adminUrl() + "\",\"channel\":\""
                    + config.channel() + "\",\"release\":\"" + release + "\",\"releases\":" + snapshot.releases().size() + "}");
        } else {
            out.println("serving url=" + server.url() + " admin=" + server.adminUrl() + " metrics=" + server.adminUrl().resolve("/metrics")
                    + " store=" + blobs.describe() + " channel=" + config.channel() + " release=" + release
                    + " releases=" + snapshot.releases().size() + " ready=" + server.ready());
        }
        out.flush();
        stopped.await();
        return 0;
    }

    /** A size flag's value, which must be at most {@code max}. */
    private static int intSize(String flag, long value, int max) {
        if (value > max) {
            throw new HoldfastException(ErrorKind.USAGE, flag + " " + value + " is too large: at most " + max + " bytes");
        }
        return (int) value;
    }

    OriginConfig config() {
        List<String> origins = new ArrayList<>();
        for (String o : corsOrigins) {
            if (!o.isBlank() && !o.trim().equalsIgnoreCase("none")) {
                origins.add(o.trim());
            }
        }
        OriginConfig.Builder b = OriginConfig.builder().bind(bind).port(port).adminPort(adminPort)
                .channel(ChannelName.of(channel)).corsOrigins(origins).cacheBytes(cacheBytes)
                .maxCachedBlobBytes(maxCachedBlob).diskCacheDir(Optional.ofNullable(diskCacheDir))
                .diskCacheBytes(diskCacheBytes).maxOpenFiles(maxOpenFiles).entryCacheControl(entryCacheControl)
                .notFoundCacheControl(notFoundCacheControl).accessLog(!noAccessLog).accessReport(!noAccessReport)
                .accessReportInterval(accessReportInterval).refreshInterval(refreshInterval)
                .missLookupInterval(missLookupInterval).drainTimeout(drainTimeout)
                .requestParseTimeout(requestTimeout).idleTimeout(idleTimeout)
                .maxHeaderSize(intSize("--max-header-size", maxHeaderSize, Integer.MAX_VALUE))
                .sendBuffer(intSize("--send-buffer", sendBuffer, Integer.MAX_VALUE / 2)); // the kernel doubles it
        if (adminBind != null && !adminBind.isBlank()) {
            b.adminBind(adminBind);
        }
        if (originId != null && !originId.isBlank()) {
            b.originId(originId);
        }
        if (ioThreads > 0) {
            b.ioThreads(ioThreads);
        }
        if (workerThreads > 0) {
            b.workerThreads(workerThreads);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new HoldfastException(ErrorKind.USAGE, e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort at exit: a temporary directory
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort at exit
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }
}
