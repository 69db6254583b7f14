package io.holdfast.store.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.holdfast.config.StoreConfig;
import io.holdfast.config.StoreFactory;
import io.holdfast.error.ErrorKind;
import io.holdfast.store.BlobStore;
import io.holdfast.store.Payload;
import io.holdfast.store.RetryLoop;
import io.holdfast.store.RetryingStore;
import io.holdfast.store.StoreException;
import io.holdfast.testing.S3TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Each way of not reaching a store ends in its own ErrorKind and a one-line message that names the store. */
class S3StoreErrorsTest {
    private static final String WRONG_SECRET = "wrong-secret-must-not-leak";
    private final S3TestServer server = S3TestServer.shared();

    @Test
    void closedPortIsUnreachableAndFailsFast() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        StoreConfig config = s3Config("s3://bucket/p", "http://127.0.0.1:" + port, S3TestServer.SECRET_KEY);
        long start = System.nanoTime();
        StoreException e = assertThrows(StoreException.class, () -> S3Store.open(StoreFactory.s3Settings(config), true));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(ErrorKind.STORE_UNREACHABLE, e.kind());
        assertTrue(e.retryable());
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "took " + took);
        assertOneLineNaming(e, "127.0.0.1:" + port);
        assertTrue(e.getMessage().contains("cannot connect"), e.getMessage());
    }

    @Test
    void unreachableStoreIsRetriedThenReported() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<Duration> sleeps = new ArrayList<>();
        RetryLoop loop = new RetryLoop(RetryLoop.Policy.defaults(), sleeps::add, System::nanoTime, () -> 0.5);
        StoreConfig config = s3Config("s3://bucket/p", "http://127.0.0.1:" + port, S3TestServer.SECRET_KEY);
        StoreException e = assertThrows(StoreException.class, () -> StoreFactory.open(config, true, loop));
        assertEquals(ErrorKind.STORE_UNREACHABLE, e.kind());
        assertEquals(3, sleeps.size(), "four attempts");
        assertTrue(e.getMessage().endsWith("(gave up after 4 attempts)"), e.getMessage());
    }

    @Test
    void silentServerTimesOut() throws IOException {
        // The kernel accepts the connection into the backlog; nobody ever answers.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            StoreConfig config = s3Config("s3://bucket/p", "http://127.0.0.1:" + silent.getLocalPort(), S3TestServer.SECRET_KEY);
            long start = System.nanoTime();
            StoreException e = assertThrows(StoreException.class, () -> S3Store.open(
                    StoreFactory.s3Settings(config).withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(300)), false));
            assertEquals(ErrorKind.STORE_UNREACHABLE, e.kind());
            assertTrue(e.retryable());
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(5)) < 0);
        }
    }

    @Test
    void attemptTimeoutBoundsAServerThatTricklesBytes() throws Exception {
        try (ServerSocket trickle = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (java.net.Socket client = trickle.accept()) {
                    client.getInputStream().read(new byte[8192]);
                    java.io.OutputStream out = client.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nETag: \"x\"\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    // Never silent long enough for a socket timeout, never done either.
                    for (int i = 0; i < 100_000; i++) {
                        out.write('x');
                        out.flush();
                        Thread.sleep(50);
                    }
                } catch (IOException | InterruptedException e) {
                    // the client gave up: that is the point
                }
            });
            server.setDaemon(true);
            server.start();
            StoreConfig config = s3Config("s3://bucket/p", "http://127.0.0.1:" + trickle.getLocalPort(),
                    S3TestServer.SECRET_KEY);
            RetryLoop once = new RetryLoop(new RetryLoop.Policy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO),
                    d -> { }, System::nanoTime, () -> 0.0);
            long start = System.nanoTime();
            StoreException e = assertThrows(StoreException.class,
                    () -> StoreFactory.open(config, false, once, Optional.of(Duration.ofMillis(700))));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(ErrorKind.STORE_UNREACHABLE, e.kind());
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
            assertTrue(took.compareTo(Duration.ofMillis(3000)) < 0, "took " + took);
            server.interrupt();
        }
    }

    @Test
    void missingBucketIsNotFound() {
        for (boolean forWriting : new boolean[] {true, false}) {
            StoreConfig config = s3Config("s3://no-such-bucket/p", server.endpoint().toString(), S3TestServer.SECRET_KEY);
            StoreException e = assertThrows(StoreException.class, () -> S3Store.open(server.settings(config), forWriting));
            assertEquals(ErrorKind.STORE_NOT_FOUND, e.kind());
            assertFalse(e.retryable());
            assertOneLineNaming(e, "s3://no-such-bucket/p/");
            assertTrue(e.getMessage().contains("bucket does not exist"), e.getMessage());
        }
    }

    @Test
    void wrongSecretIsAccessDeniedWithoutShowingIt() {
        StoreConfig config = s3Config("s3://" + server.createBucket() + "/p", server.endpoint().toString(), WRONG_SECRET);
        StoreException e = assertThrows(StoreException.class, () -> StoreFactory.open(config, true));
        assertEquals(ErrorKind.STORE_ACCESS_DENIED, e.kind());
        assertFalse(e.retryable());
        assertOneLineNaming(e, "s3://holdfast-test-");
        assertTrue(e.getMessage().contains("secret key does not match"), e.getMessage());
    }

    @Test
    void unknownAccessKeyIsAccessDenied() {
        StoreConfig config = new StoreConfig("s3://" + server.createBucket() + "/p", Optional.of(server.endpoint().toString()),
                Optional.of("us-east-1"), true, Optional.of("nobody"), Optional.of(WRONG_SECRET));
        StoreException e = assertThrows(StoreException.class, () -> S3Store.open(StoreFactory.s3Settings(config), false));
        assertEquals(ErrorKind.STORE_ACCESS_DENIED, e.kind());
        assertOneLineNaming(e, "s3://holdfast-test-");
    }

    @Test
    void serverErrorsAreRetryableStoreFailures() throws IOException {
        AtomicInteger requests = new AtomicInteger();
        HttpServer failing = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        failing.createContext("/", exchange -> {
            int n = requests.incrementAndGet();
            byte[] body = (n == 1 ? "" : "<?xml version=\"1.0\"?><Error><Code>SlowDown</Code>"
                    + "<Message>Please reduce your request rate.</Message></Error>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/xml");
            // The first request (open: GET marker) finds nothing; everything after is throttled.
            if (n == 1) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(503, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        failing.start();
        try {
            StoreConfig config = s3Config("s3://bucket/p", "http://127.0.0.1:" + failing.getAddress().getPort(),
                    S3TestServer.SECRET_KEY);
            try (S3Store store = S3Store.open(StoreFactory.s3Settings(config), false)) {
                StoreException e = assertThrows(StoreException.class,
                        () -> store.putIfAbsent("blobs/x", Payload.ofBytes(new byte[] {1})));
                assertEquals(ErrorKind.STORE_FAILED, e.kind());
                assertTrue(e.retryable());
                assertOneLineNaming(e, "blobs/x");
                assertTrue(e.getMessage().contains("SlowDown"), e.getMessage());

                List<Duration> sleeps = new ArrayList<>();
                BlobStore retrying = new RetryingStore(store,
                        new RetryLoop(RetryLoop.Policy.defaults(), sleeps::add, System::nanoTime, () -> 0.0));
                int before = requests.get();
                assertThrows(StoreException.class, () -> retrying.head("blobs/x"));
                assertEquals(4, requests.get() - before);
                assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400)), sleeps);
            }
        } finally {
            failing.stop(0);
        }
    }

    @Test
    void factoryWrapsS3StoresInRetries() {
        try (BlobStore store = StoreFactory.open(server.freshConfig(), true)) {
            assertInstanceOf(RetryingStore.class, store);
            assertTrue(store.describe().startsWith("s3://holdfast-test-"), store.describe());
        }
    }

    private static StoreConfig s3Config(String uri, String endpoint, String secret) {
        return new StoreConfig(uri, Optional.of(endpoint), Optional.of(S3TestServer.REGION), true,
                Optional.of(S3TestServer.ACCESS_KEY), Optional.of(secret));
    }

    private static void assertOneLineNaming(StoreException e, String expected) {
        String message = e.getMessage();
        assertFalse(message.contains("\n"), message);
        assertTrue(message.contains(expected), "'" + message + "' should name " + expected);
        assertFalse(message.contains(WRONG_SECRET), message);
        assertFalse(message.contains(S3TestServer.SECRET_KEY), message);
        assertTrue(message.length() < 400, message);
    }
}
