package io.holdfast.origin.observe;

import io.holdfast.manifest.ReleaseId;
import io.holdfast.origin.index.ReleaseIndex;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * Every meter of the origin (Prometheus names in docs/HTTP.md). Meters on the request path are looked up in
 * arrays, never in the registry, so recording a request allocates nothing.
 */
public final class OriginMetrics {
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
        Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10)};
    private final MeterRegistry registry;
    @SuppressWarnings("unchecked")
    private final AtomicReferenceArray<Timer>[] requests = new AtomicReferenceArray[RequestKind.values().length];
    private final Counter[] bytes = new Counter[RequestKind.values().length];
    private final ConcurrentHashMap<ReleaseId, ReleaseActivity> releases = new ConcurrentHashMap<>();
    private final Counter cacheHits;
    private final Counter cacheMisses;
    private final Counter fingerprintedNotFound;
    private final Counter corruptBlobs;
    private final Counter missingBlobs;
    private final Counter storeErrors;
    private final Counter refreshOk;
    private final Counter refreshFailed;
    private final ConcurrentHashMap<String, Counter> lookups = new ConcurrentHashMap<>();
    private final Counter reportsWritten;
    private final Counter reportsFailed;

    public OriginMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (RequestKind k : RequestKind.values()) {
            requests[k.ordinal()] = new AtomicReferenceArray<>(600);
            bytes[k.ordinal()] = Counter.builder("holdfast.origin.response.bytes").baseUnit("bytes")
                    .description("Body bytes sent").tag("kind", k.label()).register(registry);
        }
        cacheHits = Counter.builder("holdfast.origin.cache.hits").description("Bodies served from the memory cache").register(registry);
        cacheMisses = Counter.builder("holdfast.origin.cache.misses").description("Bodies not in the memory cache").register(registry);
        fingerprintedNotFound = Counter.builder("holdfast.origin.fingerprinted.not.found")
                .description("404s of paths that look fingerprinted: pages reference assets no retained release has (a broken deploy)")
                .register(registry);
        corruptBlobs = Counter.builder("holdfast.origin.blob.corrupt").description("Blobs whose bytes did not match their digest (not served)").register(registry);
        missingBlobs = Counter.builder("holdfast.origin.blob.missing").description("Blobs a manifest references that the store lacks").register(registry);
        storeErrors = Counter.builder("holdfast.origin.store.errors").description("Store requests that failed while serving").register(registry);
        refreshOk = Counter.builder("holdfast.origin.index.refreshes").tag("result", "ok").register(registry);
        refreshFailed = Counter.builder("holdfast.origin.index.refreshes").tag("result", "error").register(registry);
        reportsWritten = Counter.builder("holdfast.origin.access.reports").tag("result", "ok").register(registry);
        reportsFailed = Counter.builder("holdfast.origin.access.reports").tag("result", "error").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** One finished request. */
    public void request(RequestKind kind, int status, long nanos, long bodyBytes) {
        int s = status >= 100 && status < 600 ? status : 599;
        AtomicReferenceArray<Timer> byStatus = requests[kind.ordinal()];
        Timer t = byStatus.get(s);
        if (t == null) {
            // Idempotent: the registry returns the same timer for the same name and tags.
            t = Timer.builder("holdfast.origin.requests").description("Requests by kind and status")
                    .tag("kind", kind.label()).tag("status", Integer.toString(s))
                    .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
            byStatus.set(s, t);
        }
        t.record(nanos, TimeUnit.NANOSECONDS);
        if (bodyBytes > 0) {
            bytes[kind.ordinal()].increment(bodyBytes);
        }
    }

    /** The activity (hits, last served) of a release, created on first use. */
    public ReleaseActivity release(ReleaseId id) {
        return releases.computeIfAbsent(id, r -> new ReleaseActivity(r, Counter.builder("holdfast.origin.release.hits")
                .description("Responses served from each release").tag("release", r.value()).register(registry)));
    }

    /** Every release activity known (for the access report). */
    public Iterable<ReleaseActivity> releaseActivities() {
        return releases.values();
    }

    public void cacheHit() {
        cacheHits.increment();
    }

    public void cacheMiss() {
        cacheMisses.increment();
    }

    public void fingerprintedNotFound() {
        fingerprintedNotFound.increment();
    }

    public void corruptBlob() {
        corruptBlobs.increment();
    }

    public void missingBlob() {
        missingBlobs.increment();
    }

    public void storeError() {
        storeErrors.increment();
    }

    public void refresh(boolean ok) {
        (ok ? refreshOk : refreshFailed).increment();
    }

    public void accessReport(boolean ok) {
        (ok ? reportsWritten : reportsFailed).increment();
    }

    /** A miss lookup request: immediate, delayed (rate limited) or coalesced into one already waiting. */
    public void missLookup(String result) {
        lookups.computeIfAbsent(result, r -> Counter.builder("holdfast.origin.miss.lookups")
                .description("Store lookups requested by unknown paths").tag("result", r).register(registry)).increment();
    }

    public void indexGauges(ReleaseIndex index) {
        Gauge.builder("holdfast.origin.index.releases", index, i -> i.snapshot().releases().size())
                .description("Releases loaded").register(registry);
        Gauge.builder("holdfast.origin.index.malformed", index, i -> i.snapshot().malformed().size())
                .description("Manifests or channels skipped because they could not be read").register(registry);
        Gauge.builder("holdfast.origin.index.conflicts", index, i -> i.snapshot().conflicts().size())
                .description("Served paths that two releases map to different bytes").register(registry);
        Gauge.builder("holdfast.origin.index.ready", index, i -> i.ready() ? 1 : 0).register(registry);
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }
}
