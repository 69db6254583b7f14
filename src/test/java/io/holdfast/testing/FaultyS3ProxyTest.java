package io.holdfast.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.manifest.Digest;
import io.holdfast.store.ConflictException;
import io.holdfast.store.Payload;
import io.holdfast.store.PutOutcome;
import io.holdfast.store.RetryingStore;
import io.holdfast.store.StoreException;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.s3.S3Store;
import io.holdfast.testing.FaultyS3Proxy.Fault;
import io.holdfast.testing.FaultyS3Proxy.On;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each fault of the proxy, as the S3 store sees it, and what the retrying store makes of it. */
class FaultyS3ProxyTest {
    private FaultyS3Proxy proxy;
    private S3Store s3;
    private RetryingStore store;

    @BeforeAll
    static void warmUp() {
        // The server's first answers are slow (class loading); the short timeouts below are for injected faults.
        S3TestServer.shared().freshStore().close();
    }

    @BeforeEach
    void open() {
        S3TestServer server = S3TestServer.shared();
        proxy = FaultyS3Proxy.start(server.endpoint()).delay(Duration.ofMillis(2500));
        s3 = proxy.open(proxy.config(server, server.createBucket(), "p/"), Duration.ofMillis(1500));
        store = new RetryingStore(s3, FaultyS3Proxy.fastRetries(4));
    }

    @AfterEach
    void close() {
        if (s3 != null) {
            s3.close();
        }
        proxy.close();
    }

    private static Payload payload(String s) {
        return Payload.ofBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void forwardsEverythingUntouchedWithoutRules() throws IOException {
        Payload p = payload("hello through the proxy");
        String key = StoreKeys.blob(p.sha256());
        assertEquals(PutOutcome.CREATED, s3.putIfAbsent(key, p));
        assertEquals(PutOutcome.ALREADY_EXISTS, s3.putIfAbsent(key, p));
        try (InputStream in = s3.get(key, null).orElseThrow().body()) {
            assertArrayEquals(p.bytes(), in.readAllBytes());
        }
        List<String> keys = new ArrayList<>();
        s3.list(StoreKeys.BLOBS, i -> keys.add(i.key()));
        assertEquals(List.of(key), keys);
        s3.delete(List.of(key));
        assertTrue(s3.head(key).isEmpty());
        assertEquals(0, proxy.faults());
    }

    @Test
    void errorsAndResetsAreRetryableAndRetried() {
        for (Fault f : List.of(Fault.INTERNAL_ERROR, Fault.SLOW_DOWN, Fault.RESET, Fault.DELAY)) {
            Payload p = payload("payload for " + f);
            String key = StoreKeys.blob(p.sha256());
            proxy.once(On.put("blobs/"), f);
            StoreException e = assertThrows(StoreException.class, () -> s3.putIfAbsent(key, p), f.name());
            assertTrue(e.retryable(), f + ": " + e.getMessage());
            proxy.once(On.put("blobs/"), f);
            assertEquals(PutOutcome.CREATED, store.putIfAbsent(key, p), f.name());
            assertTrue(s3.head(key).isPresent());
        }
        assertTrue(proxy.log().stream().anyMatch(l -> l.endsWith("-> SLOW_DOWN")), proxy.log().toString());
    }

    @Test
    void aLostResponseMeansTheWriteHappened() {
        Payload p = payload("written, answer lost");
        String key = StoreKeys.blob(p.sha256());
        proxy.once(On.put("blobs/"), Fault.LOSE_RESPONSE);
        assertThrows(StoreException.class, () -> s3.putIfAbsent(key, p));
        assertTrue(s3.head(key).isPresent(), "the server kept the object");

        // Through the retrying store: the retry answers 412, which is recognised as our own first attempt.
        Payload q = payload("second object");
        proxy.once(On.put("blobs/"), Fault.LOSE_RESPONSE);
        assertEquals(PutOutcome.CREATED, store.putIfAbsent(StoreKeys.blob(q.sha256()), q));

        // A compare-and-swap whose answer is lost: the retry conflicts with itself and is recognised as a success.
        byte[] doc = "{\"v\":1}".getBytes(StandardCharsets.UTF_8);
        proxy.once(On.put("channels/"), Fault.LOSE_RESPONSE);
        store.compareAndSwap("channels/x.json", doc, Optional.empty());
        assertArrayEquals(doc, s3.read("channels/x.json").orElseThrow().content());
        // A real conflict still is one.
        assertThrows(ConflictException.class, () -> store.compareAndSwap("channels/x.json", "{}".getBytes(StandardCharsets.UTF_8), Optional.empty()));
    }

    @Test
    void aCutBodyIsAShortReadNeverOtherBytes() throws IOException {
        byte[] big = new byte[200_000];
        new java.util.Random(7).nextBytes(big);
        Payload p = Payload.ofBytes(big);
        String key = StoreKeys.blob(p.sha256());
        s3.putIfAbsent(key, p);
        proxy.once(On.read("blobs/"), Fault.CUT_BODY);
        byte[] got;
        try (InputStream in = s3.get(key, null).orElseThrow().body()) {
            got = in.readAllBytes();
        } catch (IOException | StoreException e) {
            got = null; // the read fails: fine
        }
        if (got != null) {
            assertTrue(got.length < big.length || Digest.of(got).equals(p.sha256()), "a cut body must not look whole");
        }
        try (InputStream in = s3.get(key, null).orElseThrow().body()) {
            assertArrayEquals(big, in.readAllBytes(), "the next read is whole");
        }
    }
}
