package io.holdfast.origin;

import io.holdfast.manifest.ChannelName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything an origin server can be told. Defaults are the documented ones of {@code holdfast serve}
 * (see origin-server/deploy/holdfast.env.example).
 *
 * @param bind                 address of the public listener
 * @param port                 public port (0: any free port)
 * @param adminBind            address of the admin listener (health, readiness, metrics)
 * @param adminPort            admin port (0: any free port)
 * @param channel              the channel whose current release serves the entry points at {@code /}
 * @param corsOrigins          origins allowed to read assets cross-origin; {@code *} for any; empty for no CORS headers
 * @param cacheBytes           memory cache of hot blobs, in bytes (0 disables it)
 * @param maxCachedBlobBytes   blobs larger than this are sent zero-copy from local files (or streamed), never cached whole
 * @param diskCacheDir         optional directory caching large blobs of remote stores (S3) as local files
 * @param diskCacheBytes       bound of that disk cache
 * @param maxOpenFiles         file descriptors held by verified blob files kept open between responses, one per file
 *                             and I/O thread (0: each response opens its file)
 * @param entryCacheControl    Cache-Control of entry points (revalidated so a promote is seen at once)
 * @param notFoundCacheControl Cache-Control of 404 answers (a CDN must not keep them long)
 * @param accessLog            one line per request on the {@code holdfast.access} logger
 * @param accessReport         write {@code access/<originId>.json} (otherwise the store is used read-only)
 * @param accessReportInterval how often that report is written
 * @param originId             this origin's name in access reports
 * @param refreshInterval      how often releases and channels are listed again
 * @param missLookupInterval   at most one store lookup per this interval caused by unknown paths
 * @param missWaitTimeout      how long a request for an unknown path waits for that lookup
 * @param drainTimeout         how long SIGTERM waits for in-flight requests
 * @param ioThreads            Undertow I/O threads (cached bodies are sent from these)
 * @param workerThreads        threads for blocking work: cache loads, streams from the store
 * @param requestParseTimeout  a client must send its whole request head within this
 * @param idleTimeout          an idle keep-alive connection is closed after this
 * @param maxHeaderSize        bytes of request line + headers accepted
 * @param sendBuffer           SO_SNDBUF asked for each connection, in bytes (the kernel doubles it); 0 leaves it to
 *                             the kernel's autotuning
 */
public record OriginConfig(String bind, int port, String adminBind, int adminPort, ChannelName channel,
                           List<String> corsOrigins, long cacheBytes, long maxCachedBlobBytes,
                           Optional<Path> diskCacheDir, long diskCacheBytes, int maxOpenFiles,
                           String entryCacheControl, String notFoundCacheControl, boolean accessLog,
                           boolean accessReport, Duration accessReportInterval, String originId,
                           Duration refreshInterval, Duration missLookupInterval, Duration missWaitTimeout,
                           Duration drainTimeout, int ioThreads, int workerThreads, Duration requestParseTimeout,
                           Duration idleTimeout, int maxHeaderSize, int sendBuffer) {

    public OriginConfig {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(adminBind, "adminBind");
        Objects.requireNonNull(channel, "channel");
        corsOrigins = List.copyOf(corsOrigins);
        Objects.requireNonNull(diskCacheDir, "diskCacheDir");
        requireHeaderValue("entry Cache-Control", entryCacheControl);
        requireHeaderValue("not-found Cache-Control", notFoundCacheControl);
        for (String o : corsOrigins) {
            requireHeaderValue("CORS origin", o);
        }
        if (port < 0 || port > 65535 || adminPort < 0 || adminPort > 65535) {
            throw new IllegalArgumentException("ports must be 0-65535");
        }
        if (cacheBytes < 0 || maxCachedBlobBytes < 0 || maxCachedBlobBytes > Integer.MAX_VALUE - 64 || diskCacheBytes < 0) {
            throw new IllegalArgumentException("cache sizes must be positive (a cached blob at most 2 GiB)");
        }
        if (maxOpenFiles < 0) {
            throw new IllegalArgumentException("open files must not be negative");
        }
        if (sendBuffer < 0) {
            throw new IllegalArgumentException("send buffer must not be negative");
        }
        if (!ids(originId)) {
            throw new IllegalArgumentException("origin id '" + originId + "': use 1-64 letters, digits, '.', '_' or '-'");
        }
        for (Duration d : List.of(accessReportInterval, refreshInterval, missLookupInterval, missWaitTimeout,
                drainTimeout, requestParseTimeout, idleTimeout)) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("durations must not be negative: " + d);
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True when the CORS list allows any origin with one cacheable answer ({@code *}). */
    public boolean corsAnyOrigin() {
        return corsOrigins.contains("*");
    }

    private static boolean ids(String s) {
        return s != null && s.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    }

    private static void requireHeaderValue(String what, String v) {
        if (v == null || v.isEmpty() || v.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
            throw new IllegalArgumentException(what + " '" + v + "' is not a valid header value");
        }
    }

    /** Mutable builder with the documented defaults. */
    public static final class Builder {
        private String bind = "0.0.0.0";
        private int port = 8080;
        private String adminBind;
        private int adminPort = 9090;
        private ChannelName channel = ChannelName.of("production");
        private List<String> corsOrigins = List.of("*");
        private long cacheBytes = 128L << 20;
        private long maxCachedBlobBytes = 64L << 10;
        private Optional<Path> diskCacheDir = Optional.empty();
        private long diskCacheBytes = 1L << 30;
        private int maxOpenFiles = 2000;
        private String entryCacheControl = "no-cache";
        private String notFoundCacheControl = "no-store";
        private boolean accessLog = true;
        private boolean accessReport = true;
        private Duration accessReportInterval = Duration.ofSeconds(60);
        private String originId = defaultOriginId();
        private Duration refreshInterval = Duration.ofSeconds(2);
        private Duration missLookupInterval = Duration.ofSeconds(1);
        private Duration missWaitTimeout = Duration.ofSeconds(5);
        private Duration drainTimeout = Duration.ofSeconds(30);
        // One per CPU, as nginx's "worker_processes auto": on one CPU, a second I/O thread only takes turns with the
        // first, and a request waits out the other's time slice (p99 of 1 KiB 4.9 ms against 8.5 ms, one CPU).
        private int ioThreads = Runtime.getRuntime().availableProcessors();
        private int workerThreads = 8 * Math.max(2, Runtime.getRuntime().availableProcessors());
        private Duration requestParseTimeout = Duration.ofSeconds(10);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private int maxHeaderSize = 16 * 1024;
        // A fixed 1 MiB (2 MiB once the kernel doubles it) rather than autotuning up to tcp_wmem's 4 MiB: with less
        // queued in the socket, more of a large body goes out from the origin's own sendfile calls and less from
        // the receiver's ACK processing. 5 MiB on one pinned CPU: 0.99x of nginx against 0.93x (docs/BENCHMARKS.md).
        private int sendBuffer = 1 << 20;

        public Builder bind(String v) { bind = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder adminBind(String v) { adminBind = v; return this; }
        public Builder adminPort(int v) { adminPort = v; return this; }
        public Builder channel(ChannelName v) { channel = v; return this; }
        public Builder corsOrigins(List<String> v) { corsOrigins = v; return this; }
        public Builder cacheBytes(long v) { cacheBytes = v; return this; }
        public Builder maxCachedBlobBytes(long v) { maxCachedBlobBytes = v; return this; }
        public Builder diskCacheDir(Optional<Path> v) { diskCacheDir = v; return this; }
        public Builder diskCacheBytes(long v) { diskCacheBytes = v; return this; }
        public Builder maxOpenFiles(int v) { maxOpenFiles = v; return this; }
        public Builder entryCacheControl(String v) { entryCacheControl = v; return this; }
        public Builder notFoundCacheControl(String v) { notFoundCacheControl = v; return this; }
        public Builder accessLog(boolean v) { accessLog = v; return this; }
        public Builder accessReport(boolean v) { accessReport = v; return this; }
        public Builder accessReportInterval(Duration v) { accessReportInterval = v; return this; }
        public Builder originId(String v) { originId = v; return this; }
        public Builder refreshInterval(Duration v) { refreshInterval = v; return this; }
        public Builder missLookupInterval(Duration v) { missLookupInterval = v; return this; }
        public Builder missWaitTimeout(Duration v) { missWaitTimeout = v; return this; }
        public Builder drainTimeout(Duration v) { drainTimeout = v; return this; }
        public Builder ioThreads(int v) { ioThreads = v; return this; }
        public Builder workerThreads(int v) { workerThreads = v; return this; }
        public Builder requestParseTimeout(Duration v) { requestParseTimeout = v; return this; }
        public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
        public Builder maxHeaderSize(int v) { maxHeaderSize = v; return this; }
        public Builder sendBuffer(int v) { sendBuffer = v; return this; }

        public OriginConfig build() {
            return new OriginConfig(bind, port, adminBind == null ? bind : adminBind, adminPort, channel, corsOrigins,
                    cacheBytes, maxCachedBlobBytes, diskCacheDir, diskCacheBytes, maxOpenFiles, entryCacheControl,
                    notFoundCacheControl, accessLog, accessReport, accessReportInterval, originId, refreshInterval,
                    missLookupInterval, missWaitTimeout, drainTimeout, ioThreads, workerThreads, requestParseTimeout,
                    idleTimeout, maxHeaderSize, sendBuffer);
        }
    }

    /** The host name, made safe as a store key segment; "origin" when it cannot be found. */
    public static String defaultOriginId() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "origin";
            }
        }
        String safe = host.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        if (safe.length() > 64) {
            safe = safe.substring(0, 64);
        }
        return safe.isEmpty() ? "origin" : safe;
    }
}
