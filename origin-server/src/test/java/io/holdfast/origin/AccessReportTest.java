package io.holdfast.origin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.manifest.AccessReport;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import io.holdfast.store.fs.FileSystemStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-release "last served" report, in store time; none at all when switched off. */
class AccessReportTest {

    @Test
    void servedReleasesAreReportedInStoreTime(@TempDir Path dir) throws Exception {
        FileSystemStore store = new FileSystemStore(dir, true);
        SampleSite site = new SampleSite(new TestPublisher(store));
        ObjectInfo before = store.compareAndSwap("access/marker.json", "{}".getBytes(), Optional.empty());
        OriginServer server = OriginServer.start(OriginConfig.builder().bind("127.0.0.1").port(0).adminPort(0)
                .originId("edge-1").build(), store, Clock.systemUTC());
        try {
            Http http = new Http(server.url());
            assertEquals(200, http.get(site.r1.url("css/app.css")).statusCode());
            assertEquals(200, http.get("/").statusCode());
        } finally {
            server.close(); // writes a last report
        }
        Versioned doc = store.read(StoreKeys.access("edge-1")).orElseThrow();
        AccessReport report = Documents.decode(doc.content(), AccessReport.class, "report");
        assertEquals("edge-1", report.originId());
        assertEquals(2, report.lastServed().size(), report.toString());
        for (Instant t : report.lastServed().values()) {
            assertFalse(t.isBefore(before.lastModified()), "not before the requests: " + t);
            assertFalse(t.isAfter(doc.info().lastModified()), "a store time of a write of this report: " + t);
        }
        assertTrue(report.lastServed().containsKey(ReleaseId.of("r1")));
        assertTrue(report.lastServed().containsKey(ReleaseId.of("r2")));

        // A restarted origin with the same id keeps what it reported before.
        OriginServer again = OriginServer.start(OriginConfig.builder().bind("127.0.0.1").port(0).adminPort(0)
                .originId("edge-1").build(), store, Clock.systemUTC());
        try {
            assertEquals(200, new Http(again.url()).get(site.r2.url("js/app.js")).statusCode());
        } finally {
            again.close();
        }
        AccessReport second = Documents.decode(store.read(StoreKeys.access("edge-1")).orElseThrow().content(),
                AccessReport.class, "report");
        assertEquals(report.lastServed().get(ReleaseId.of("r1")), second.lastServed().get(ReleaseId.of("r1")));
        assertTrue(second.lastServed().get(ReleaseId.of("r2")).isAfter(report.lastServed().get(ReleaseId.of("r2"))),
                report + " then " + second);
    }

    @Test
    void noReportMeansNoWrites(@TempDir Path dir) throws Exception {
        FileSystemStore store = new FileSystemStore(dir, true);
        SampleSite site = new SampleSite(new TestPublisher(store));
        try (OriginServer server = OriginServer.start(OriginConfig.builder().bind("127.0.0.1").port(0).adminPort(0)
                .originId("edge-2").accessReport(false).build(), store, Clock.systemUTC())) {
            assertEquals(200, new Http(server.url()).get(site.r1.url("css/app.css")).statusCode());
        }
        assertTrue(store.head(StoreKeys.access("edge-2")).isEmpty());
        java.util.List<String> keys = new java.util.ArrayList<>();
        store.list(StoreKeys.ACCESS, i -> keys.add(i.key()));
        assertEquals(java.util.List.of(), keys);
    }
}
