package io.holdfast.origin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.manifest.Asset;
import io.holdfast.store.fs.FileSystemStore;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A drain stops accepting connections, fails readiness, and lets requests in flight finish. */
class DrainTest {

    @Test
    void inFlightRequestsFinishWhileNewConnectionsAreRefused(@TempDir Path dir) throws Exception {
        GatedStore store = new GatedStore(new FileSystemStore(dir, true));
        SampleSite site = new SampleSite(new TestPublisher(store));
        OriginServer server = OriginServer.start(OriginConfig.builder().bind("127.0.0.1").port(0).adminPort(0)
                .accessReport(false).build(), store, Clock.systemUTC());
        Http http = new Http(server.url());
        Http admin = new Http(server.adminUrl());
        assertEquals(200, admin.get("/readyz").statusCode());
        Asset css = site.r2.asset("css/app.css");

        store.holdGets();
        CompletableFuture<HttpResponse<byte[]>> inFlight = http.client().sendAsync(
                HttpRequest.newBuilder(server.url().resolve("/" + css.servedPath())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertTrue(store.arrivedAtGate.tryAcquire(10, TimeUnit.SECONDS), "request reached the store");

        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> server.drain(Duration.ofSeconds(20)));
        awaitRefused(server.url().getPort());
        assertThrows(IOException.class, () -> http.get("/index.html"));

        store.releaseGets();
        HttpResponse<byte[]> r = inFlight.get(20, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode());
        assertArrayEquals(site.r2.bytes(css, null), r.body());
        assertEquals("close", r.headers().firstValue("Connection").orElse("close"));
        assertTrue(drained.get(20, TimeUnit.SECONDS), "drain completed with nothing in flight");
    }

    @Test
    void drainTimesOutOnAStuckRequest(@TempDir Path dir) throws Exception {
        GatedStore store = new GatedStore(new FileSystemStore(dir, true));
        SampleSite site = new SampleSite(new TestPublisher(store));
        OriginServer server = OriginServer.start(OriginConfig.builder().bind("127.0.0.1").port(0).adminPort(0)
                .accessReport(false).build(), store, Clock.systemUTC());
        store.holdGets();
        new Http(server.url()).client().sendAsync(HttpRequest.newBuilder(server.url().resolve(site.r2.url("js/app.js"))).build(),
                HttpResponse.BodyHandlers.discarding());
        assertTrue(store.arrivedAtGate.tryAcquire(10, TimeUnit.SECONDS));
        try {
            assertEquals(false, server.drain(Duration.ofMillis(200)));
        } finally {
            store.releaseGets();
        }
    }

    /** Waits until the port refuses connections (the drain closes the listener on its own thread). */
    private static void awaitRefused(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                TimeUnit.MILLISECONDS.sleep(5);
            } catch (ConnectException e) {
                return;
            } catch (IOException e) {
                return;
            }
        }
        throw new AssertionError("port " + port + " still accepts connections");
    }
}
