package io.holdfast.origin;

import io.holdfast.origin.admin.AdminHandler;
import io.holdfast.origin.blob.BlobReader;
import io.holdfast.origin.blob.DiskBlobCache;
import io.holdfast.origin.blob.OpenFiles;
import io.holdfast.origin.http.BodyHandler;
import io.holdfast.origin.http.ConditionalHandler;
import io.holdfast.origin.http.CorsHandler;
import io.holdfast.origin.http.CorsPolicy;
import io.holdfast.origin.http.DrainHandler;
import io.holdfast.origin.http.EncodingHandler;
import io.holdfast.origin.http.MethodHandler;
import io.holdfast.origin.http.MissHandler;
import io.holdfast.origin.http.ObservingHandler;
import io.holdfast.origin.http.PathSafetyHandler;
import io.holdfast.origin.http.RangeHandler;
import io.holdfast.origin.http.ResponseHeadersHandler;
import io.holdfast.origin.http.RoutingHandler;
import io.holdfast.origin.http.StoreBodyHandler;
import io.holdfast.origin.index.IndexLoader;
import io.holdfast.origin.index.IndexSnapshot;
import io.holdfast.origin.index.ReleaseIndex;
import io.holdfast.origin.observe.OriginMetrics;
import io.holdfast.origin.report.AccessReporter;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ReadOnlyStore;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * The origin: an Undertow server for assets, composed of one small handler per concern, and a second one on the
 * admin port. Start with {@link #start}; stop with {@link #drain} (SIGTERM) or {@link #close}.
 *
 * <pre>
 * Drain → Observing → PathSafety → Method → Routing ─┬→ Encoding → Cors → ResponseHeaders → Conditional → Range → Body ─→ StoreBody (worker)
 *                                                     └→ Miss (store lookup, then Routing again, else 404)
 * </pre>
 */
public final class OriginServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OriginServer.class);
    /** Longest request path accepted (longer: 400). */
    public static final int MAX_PATH_LENGTH = 2048;
    /** How soon a blob file changed or replaced behind the store's back is verified again (nginx: 60 s). */
    private static final Duration OPEN_FILE_RECHECK = Duration.ofSeconds(1);
    /** How long a blob file stays open without a request. */
    private static final Duration OPEN_FILE_IDLE = Duration.ofSeconds(60);
    private final OriginConfig config;
    private final PrometheusMeterRegistry registry;
    private final OriginMetrics metrics;
    private final ReleaseIndex index;
    private final ScheduledExecutorService indexThread;
    private final ScheduledExecutorService reportThread;
    private final AccessReporter reporter;
    private final DrainHandler drain;
    private final XnioWorker worker;
    private final Undertow server;
    private final Undertow admin;
    private final JvmGcMetrics gcMetrics;
    private final String storeDescription;
    private volatile boolean closed;
    private volatile boolean started;
    private URI url;
    private URI adminUrl;

    private OriginServer(OriginConfig config, BlobStore rawStore, Clock clock) {
        this.config = config;
        BlobStore store = config.accessReport() ? rawStore : new ReadOnlyStore(rawStore);
        this.storeDescription = store.describe();
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        this.gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        this.metrics = new OriginMetrics(registry);

        this.indexThread = Executors.newSingleThreadScheduledExecutor(daemon("holdfast-index"));
        this.index = new ReleaseIndex(new IndexLoader(store, config.channel(), config.entryCacheControl(), metrics),
                indexThread, clock, config.refreshInterval(), config.missLookupInterval(), metrics);

        DiskBlobCache disk = null;
        boolean localFiles = store.blobsAreLocalFiles();
        if (config.diskCacheDir().isPresent() && !localFiles) {
            disk = new DiskBlobCache(config.diskCacheDir().get(), config.diskCacheBytes(), store);
        }
        OpenFiles openFiles = new OpenFiles(config.maxOpenFiles(), config.ioThreads(), OPEN_FILE_RECHECK, OPEN_FILE_IDLE, clock);
        BlobReader blobs = new BlobReader(store, config.cacheBytes(), config.maxCachedBlobBytes(), openFiles, disk,
                metrics);

        CorsPolicy cors = new CorsPolicy(config.corsOrigins());
        HttpHandler body = new BodyHandler(blobs, new StoreBodyHandler(blobs, store));
        HttpHandler headers = new ResponseHeadersHandler(new ConditionalHandler(new RangeHandler(body)), cors);
        HttpHandler found = new EncodingHandler(cors.enabled() ? new CorsHandler(headers, cors) : headers);
        MissHandler miss = new MissHandler(index, metrics, config.notFoundCacheControl(), config.missWaitTimeout());
        RoutingHandler routing = new RoutingHandler(found, miss, index, config.entryCacheControl());
        miss.retryWith(routing);
        HttpHandler safe = new PathSafetyHandler(new MethodHandler(routing, cors), MAX_PATH_LENGTH, "no-store");
        this.drain = new DrainHandler(new ObservingHandler(safe, metrics, config.accessLog()));
        metrics.gauge("holdfast.origin.inflight", "Requests in flight", drain::inFlight);

        // Our own worker, so that stopping the server closes its listener (new connections go elsewhere) while
        // the connections of requests in flight keep running until the drain ends.
        try {
            this.worker = Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.builder()
                    .set(Options.WORKER_NAME, "holdfast-origin")
                    .set(Options.WORKER_IO_THREADS, config.ioThreads())
                    .set(Options.WORKER_TASK_CORE_THREADS, config.workerThreads())
                    .set(Options.WORKER_TASK_MAX_THREADS, config.workerThreads())
                    .getMap());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the origin's I/O threads", e);
        }
        Undertow.Builder builder = Undertow.builder()
                .addHttpListener(config.port(), config.bind())
                .setWorker(worker)
                .setServerOption(UndertowOptions.DECODE_URL, false)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, config.maxHeaderSize())
                .setServerOption(UndertowOptions.MAX_HEADERS, 100)
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, 0L)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, millis(config.requestParseTimeout()))
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, millis(config.idleTimeout()))
                // A response the client stops reading fails after the idle timeout too: a blocking send (a stream
                // from S3) would otherwise hold its worker thread for as long as the client keeps the connection
                // open. Not UndertowOptions.IDLE_TIMEOUT: its conduit (Undertow 2.4.4) drops the timeout of a timed
                // awaitWritable, so a blocked send waited forever whatever other timeout was set.
                .setSocketOption(Options.WRITE_TIMEOUT, millis(config.idleTimeout()))
                .setServerOption(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, false)
                .setSocketOption(Options.BACKLOG, 1024)
                // Small answers go out at once; FileRangeSender turns Nagle on for the length of a large body.
                .setSocketOption(Options.TCP_NODELAY, true)
                .setHandler(drain);
        if (config.sendBuffer() > 0) {
            builder.setSocketOption(Options.SEND_BUFFER, config.sendBuffer());
        }
        this.server = builder.build();
        this.admin = Undertow.builder()
                .addHttpListener(config.adminPort(), config.adminBind())
                .setIoThreads(1)
                .setWorkerThreads(2)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, millis(config.requestParseTimeout()))
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, millis(config.idleTimeout()))
                .setHandler(new AdminHandler(this::ready, this::readiness, registry::scrape))
                .build();

        this.reportThread = Executors.newSingleThreadScheduledExecutor(daemon("holdfast-report"));
        this.reporter = config.accessReport()
                ? new AccessReporter(store, config.originId(), metrics, r -> index.snapshot().releases().containsKey(r))
                : null;
    }

    /** Loads the index (a failure is logged and retried), then listens on both ports. */
    public static OriginServer start(OriginConfig config, BlobStore store, Clock clock) {
        OriginServer s = new OriginServer(config, store, clock);
        IndexSnapshot first;
        try {
            s.index.start();
            first = s.index.snapshot();
            s.server.start();
            s.admin.start();
        } catch (RuntimeException e) {
            s.close(); // threads already started must not outlive a failed start
            throw e;
        }
        s.url = url(s.server);
        s.adminUrl = url(s.admin);
        s.started = true;
        if (s.reporter != null) {
            long every = Math.max(1, config.accessReportInterval().toMillis());
            s.reportThread.scheduleWithFixedDelay(s.reporter::report, every, every, TimeUnit.MILLISECONDS);
        }
        LOG.info("event=origin_started release={} url={} admin={} store={} channel={} releases={}",
                first.current() == null ? "-" : first.current(), s.url(), s.adminUrl(), s.storeDescription,
                config.channel(), first.releases().size());
        return s;
    }

    public URI url() {
        return url;
    }

    public URI adminUrl() {
        return adminUrl;
    }

    public ReleaseIndex index() {
        return index;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Ready: index loaded, store reachable at the last refresh, not draining. */
    public boolean ready() {
        return index.ready() && !drain.draining() && !closed;
    }

    private String readiness() {
        IndexSnapshot s = index.snapshot();
        return "loaded=" + s.loaded() + " store_ok=" + index.ready() + " draining=" + drain.draining()
                + " releases=" + s.releases().size() + " release=" + (s.current() == null ? "-" : s.current())
                + " last_refresh=" + (index.lastSuccess() == null ? "-" : index.lastSuccess());
    }

    /**
     * Graceful stop: readiness fails at once, new connections are no longer accepted, requests in flight finish
     * (up to {@code timeout}), keep-alive connections are closed after their current response, a last access
     * report is written, then everything stops.
     *
     * @return true if every in-flight request finished in time
     */
    public boolean drain(Duration timeout) {
        if (closed) {
            return true;
        }
        long inFlight = drain.inFlight();
        LOG.info("event=drain_started release=- in_flight={} timeout_ms={}", inFlight, timeout.toMillis());
        drain.startDrain();
        server.stop(); // closes the listener only: our worker keeps serving the connections already open
        LOG.info("event=listener_closed release=- url={}", url);
        boolean idle;
        try {
            idle = drain.awaitIdle(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            idle = false;
        }
        LOG.info("event=drain_finished release=- complete={} in_flight={}", idle, drain.inFlight());
        close();
        return idle;
    }

    /**
     * Stops at once: no new connections, requests in flight get a few seconds to finish (their hits must reach the
     * last access report), then the report is written and every thread stops. {@link #drain} is the patient version.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!drain.draining()) {
            drain.startDrain();
        }
        server.stop();
        try {
            drain.awaitIdle(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reportThread.shutdown();
        try {
            reportThread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (reporter != null && started) {
            reporter.report();
        }
        worker.shutdown();
        try {
            if (!worker.awaitTermination(5, TimeUnit.SECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
        admin.stop();
        index.close();
        indexThread.shutdownNow();
        try {
            indexThread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        gcMetrics.close();
        registry.close();
        if (started) {
            LOG.info("event=origin_stopped release=-");
        }
    }

    private static URI url(Undertow u) {
        InetSocketAddress a = (InetSocketAddress) u.getListenerInfo().get(0).getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + a.getPort() + "/");
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
