package io.holdfast.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.manifest.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link BlobStore} must do, run against each backend by a subclass that opens a fresh, empty store.
 * Payloads of {@link #LARGE} bytes must take the backend's large-object path (S3 subclasses set a multipart
 * threshold below it).
 */
public abstract class BlobStoreContract {
    /** Above the S3 subclasses' multipart threshold (5 MiB parts), spanning three parts. */
    protected static final int LARGE = 11 * 1024 * 1024 + 7;
    private static final int THREADS = 8;

    protected BlobStore store;

    @TempDir
    protected Path scratch;

    /** A new, empty store of the backend under test. */
    protected abstract BlobStore openStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = openStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    // --- head / get / read ------------------------------------------------------------------------------

    @Test
    void absentKeysAreEmptyNotErrors() {
        assertTrue(store.head("blobs/sha256/00/missing").isEmpty());
        assertTrue(store.get("blobs/sha256/00/missing", null).isEmpty());
        assertTrue(store.get("blobs/sha256/00/missing", new ByteRange(0, 0)).isEmpty());
        assertTrue(store.read("channels/missing.json").isEmpty());
    }

    @Test
    void headDescribesWhatWasWritten() {
        byte[] content = bytes("hello, store");
        assertEquals(PutOutcome.CREATED, store.putIfAbsent("a/b/c", Payload.ofBytes(content)));
        ObjectInfo info = store.head("a/b/c").orElseThrow();
        assertEquals("a/b/c", info.key());
        assertEquals(content.length, info.size());
        assertFalse(info.version().isEmpty());
        assertTrue(store.head("a/b").isEmpty(), "a key's parent is not an object");
    }

    @Test
    void getReturnsWholeObjectAndRanges() throws IOException {
        byte[] content = bytes("0123456789abcdef");
        store.putIfAbsent("k", Payload.ofBytes(content));
        try (ObjectStream s = store.get("k", null).orElseThrow()) {
            assertEquals(16, s.length());
            assertArrayEquals(content, s.readAllBytes());
        }
        assertRange("k", content, 0, 0);
        assertRange("k", content, 3, 9);
        assertRange("k", content, 15, 15);
        assertRange("k", content, 0, 15);
        assertThrows(IllegalArgumentException.class, () -> store.get("k", new ByteRange(10, 16)));
        assertThrows(IllegalArgumentException.class, () -> store.get("k", new ByteRange(16, 20)));
    }

    @Test
    void streamsClosedHalfWayLeaveTheStoreUsable() throws IOException {
        byte[] content = random(3 * 1024 * 1024, 4);
        store.putIfAbsent("blobs/half", Payload.ofBytes(content));
        for (int i = 0; i < 20; i++) {
            try (ObjectStream s = store.get("blobs/half", null).orElseThrow()) {
                assertEquals(content[0], (byte) s.body().read());
            }
        }
        assertArrayEquals(content, readAll("blobs/half"));
    }

    @Test
    void emptyObject() throws IOException {
        assertEquals(PutOutcome.CREATED, store.putIfAbsent("empty", Payload.ofBytes(new byte[0])));
        assertEquals(0, store.head("empty").orElseThrow().size());
        try (ObjectStream s = store.get("empty", null).orElseThrow()) {
            assertEquals(0, s.readAllBytes().length);
        }
    }

    @Test
    void readReturnsContentWithTheCurrentVersion() {
        ObjectInfo written = store.compareAndSwap("doc.json", bytes("{\"a\":1}"), Optional.empty());
        Versioned read = store.read("doc.json").orElseThrow();
        assertArrayEquals(bytes("{\"a\":1}"), read.content());
        assertEquals(written.version(), read.version());
        assertEquals(store.head("doc.json").orElseThrow().version(), read.version());
        assertEquals(written.lastModified(), read.info().lastModified());
    }

    // --- create-only ------------------------------------------------------------------------------------

    @Test
    void putIfAbsentNeverOverwrites() throws IOException {
        assertEquals(PutOutcome.CREATED, store.putIfAbsent("x", Payload.ofBytes(bytes("first"))));
        ObjectInfo before = store.head("x").orElseThrow();
        assertEquals(PutOutcome.ALREADY_EXISTS, store.putIfAbsent("x", Payload.ofBytes(bytes("first"))));
        assertEquals(PutOutcome.ALREADY_EXISTS, store.putIfAbsent("x", Payload.ofBytes(bytes("second!"))));
        assertEquals(before, store.head("x").orElseThrow());
        assertArrayEquals(bytes("first"), readAll("x"));
    }

    @Test
    void putIfAbsentFromFile() throws IOException {
        byte[] content = random(100_000, 1);
        Path file = Files.write(scratch.resolve("asset.bin"), content);
        Payload payload = Payload.ofFile(file, content.length, Digest.of(content));
        assertEquals(PutOutcome.CREATED, store.putIfAbsent("blobs/f", payload));
        assertArrayEquals(content, readAll("blobs/f"));
    }

    @Test
    void wrongChecksumIsRejectedAndNothingIsVisible() {
        byte[] content = bytes("the real content");
        Payload lying = new Payload(null, content, content.length, Digest.of(bytes("something else")));
        StoreException e = assertThrows(StoreException.class, () -> store.putIfAbsent("bad", lying));
        assertEquals(io.holdfast.error.ErrorKind.STORE_FAILED, e.kind());
        assertFalse(e.retryable(), "the same bytes would fail again");
        assertTrue(store.head("bad").isEmpty());
        assertEquals(List.of(), keys(""));
    }

    @Test
    void largeObjectRoundTrips() throws IOException {
        byte[] content = random(LARGE, 2);
        Path file = Files.write(scratch.resolve("large.bin"), content);
        assertEquals(PutOutcome.CREATED, store.putIfAbsent("blobs/large", Payload.ofFile(file, LARGE, Digest.of(content))));
        assertEquals(LARGE, store.head("blobs/large").orElseThrow().size());
        assertArrayEquals(content, readAll("blobs/large"));
        assertRange("blobs/large", content, 5 * 1024 * 1024 - 10, 5 * 1024 * 1024 + 10);
        assertEquals(PutOutcome.ALREADY_EXISTS,
                store.putIfAbsent("blobs/large", Payload.ofFile(file, LARGE, Digest.of(content))));
    }

    @Test
    void largeObjectWithWrongChecksumIsRejectedAndNothingIsVisible() throws IOException {
        byte[] content = random(LARGE, 3);
        Path file = Files.write(scratch.resolve("large.bin"), content);
        Payload lying = Payload.ofFile(file, LARGE, Digest.of(bytes("not it")));
        assertThrows(StoreException.class, () -> store.putIfAbsent("blobs/large-bad", lying));
        assertTrue(store.head("blobs/large-bad").isEmpty());
        assertEquals(List.of(), keys(""));
    }

    @Test
    void concurrentPutIfAbsentCreatesOnce() throws Exception {
        byte[] content = bytes("same content from everyone");
        List<PutOutcome> outcomes = race(i -> store.putIfAbsent("blobs/raced", Payload.ofBytes(content)));
        assertEquals(1, outcomes.stream().filter(o -> o == PutOutcome.CREATED).count(), outcomes.toString());
        assertArrayEquals(content, readAll("blobs/raced"));
    }

    // --- compare-and-swap -------------------------------------------------------------------------------

    @Test
    void compareAndSwapCreatesUpdatesAndRefusesStaleVersions() {
        ObjectInfo v1 = store.compareAndSwap("channels/web.json", bytes("v1"), Optional.empty());
        assertEquals(2, v1.size());
        assertThrows(ConflictException.class,
                () -> store.compareAndSwap("channels/web.json", bytes("again"), Optional.empty()));

        ObjectInfo v2 = store.compareAndSwap("channels/web.json", bytes("v2"), Optional.of(v1.version()));
        assertNotEquals(v1.version(), v2.version());
        ConflictException stale = assertThrows(ConflictException.class,
                () -> store.compareAndSwap("channels/web.json", bytes("v3"), Optional.of(v1.version())));
        assertEquals("channels/web.json", stale.key());
        assertArrayEquals(bytes("v2"), store.read("channels/web.json").orElseThrow().content());

        assertThrows(ConflictException.class,
                () -> store.compareAndSwap("channels/absent.json", bytes("x"), Optional.of(v2.version())));
        assertTrue(store.head("channels/absent.json").isEmpty());
    }

    @Test
    void compareAndSwapAfterDeleteStartsAfresh() {
        ObjectInfo v1 = store.compareAndSwap("leases/p.json", bytes("lease"), Optional.empty());
        store.delete(List.of("leases/p.json"));
        assertThrows(ConflictException.class,
                () -> store.compareAndSwap("leases/p.json", bytes("renewed"), Optional.of(v1.version())));
        store.compareAndSwap("leases/p.json", bytes("new lease"), Optional.empty());
        assertArrayEquals(bytes("new lease"), store.read("leases/p.json").orElseThrow().content());
    }

    @Test
    void compareAndSwapLosesToAnExistingCreateOnlyObject() {
        store.putIfAbsent("releases/1.json", Payload.ofBytes(bytes("committed")));
        assertThrows(ConflictException.class,
                () -> store.compareAndSwap("releases/1.json", bytes("other"), Optional.empty()));
        assertArrayEquals(bytes("committed"), store.read("releases/1.json").orElseThrow().content());
    }

    @Test
    void concurrentCompareAndSwapHasExactlyOneWinner() throws Exception {
        ObjectInfo v1 = store.compareAndSwap("gc/state.json", bytes("idle"), Optional.empty());
        List<String> winners = raceCas(i -> store.compareAndSwap("gc/state.json", bytes("claimed by " + i),
                Optional.of(v1.version())));
        assertEquals(1, winners.size(), winners.toString());
        assertEquals(winners.get(0), new String(store.read("gc/state.json").orElseThrow().content(), StandardCharsets.UTF_8));
    }

    @Test
    void concurrentCreateOnlyCompareAndSwapHasExactlyOneWinner() throws Exception {
        List<String> winners = raceCas(i -> store.compareAndSwap("sequence/releases.json", bytes("claimed by " + i),
                Optional.empty()));
        assertEquals(1, winners.size(), winners.toString());
        assertEquals(winners.get(0),
                new String(store.read("sequence/releases.json").orElseThrow().content(), StandardCharsets.UTF_8));
    }

    @Test
    void successiveWritesHaveNonDecreasingStoreTimesAndNewVersions() {
        List<ObjectInfo> writes = new ArrayList<>();
        Optional<String> version = Optional.empty();
        for (int i = 0; i < 6; i++) {
            ObjectInfo w = store.compareAndSwap("leases/l.json", bytes("renewal " + i), version);
            // The time a writer learns is the time everyone else sees.
            assertEquals(w.lastModified(), store.head("leases/l.json").orElseThrow().lastModified());
            writes.add(w);
            version = Optional.of(w.version());
        }
        ObjectInfo other = store.compareAndSwap("gc/state.json", bytes("later"), Optional.empty());
        writes.add(other);
        for (int i = 1; i < writes.size(); i++) {
            assertFalse(writes.get(i).lastModified().isBefore(writes.get(i - 1).lastModified()), writes.toString());
        }
        assertEquals(6, writes.stream().limit(6).map(ObjectInfo::version).distinct().count(), writes.toString());
    }

    // --- list / delete -----------------------------------------------------------------------------------

    @Test
    void listFiltersByAnyPrefixInKeyOrder() {
        for (String key : List.of("releases/2.json", "releases/10.json", "releases/1.json", "releases-old/x",
                "retired/1.json", "r", "blobs/sha256/ab/ab01", "blobs/sha256/ab/ab02", "blobs/sha256/cd/cd01")) {
            store.putIfAbsent(key, Payload.ofBytes(bytes(key)));
        }
        assertEquals(List.of("releases/1.json", "releases/10.json", "releases/2.json"), keys("releases/"));
        assertEquals(List.of("releases/1.json", "releases/10.json"), keys("releases/1"));
        assertEquals(List.of("releases-old/x", "releases/1.json", "releases/10.json", "releases/2.json"), keys("releases"));
        assertEquals(List.of("blobs/sha256/ab/ab01", "blobs/sha256/ab/ab02"), keys("blobs/sha256/a"));
        assertEquals(List.of("blobs/sha256/cd/cd01"), keys("blobs/sha256/cd/"));
        assertEquals(List.of(), keys("nothing/"));
        assertEquals(List.of(), keys("releases/1.json/"));
        assertEquals(9, keys("").size());
        assertEquals(List.of("r", "releases-old/x", "releases/1.json", "releases/10.json", "releases/2.json",
                "retired/1.json"), keys("r"));
    }

    @Test
    void listPaginatesOverMoreThanOnePage() throws Exception {
        int n = 1_100;
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<PutOutcome>> puts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String key = String.format("blobs/sha256/%02x/%05d", i % 256, i);
                puts.add(pool.submit(() -> store.putIfAbsent(key, Payload.ofBytes(bytes(key)))));
            }
            for (Future<PutOutcome> f : puts) {
                assertEquals(PutOutcome.CREATED, f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        List<ObjectInfo> listed = new ArrayList<>();
        store.list("blobs/", listed::add);
        List<String> keys = listed.stream().map(ObjectInfo::key).toList();
        assertEquals(n, keys.size());
        assertEquals(n, new HashSet<>(keys).size(), "every key once");
        assertEquals(keys.stream().sorted(StoreKeys.ORDER).toList(), keys);
        assertTrue(listed.stream().allMatch(o -> o.size() == o.key().length()), "sizes come with the listing");
        assertEquals(n / 256 + (0x0a < n % 256 ? 1 : 0), keys("blobs/sha256/0a/").size());
    }

    @Test
    void keysWithUnicodeAndUrlSpecialCharactersAreStoredExactly() throws IOException {
        List<String> keys = List.of("assets/naïve café.css", "assets/日本語/ファイル.js", "assets/emoji-😀.svg",
                "assets/percent%41%2F.txt", "assets/hash#frag", "assets/question?x=1&y=2", "assets/plus+sign",
                "assets/semi;colon,comma=eq~tilde'quote", "assets/fullwidth\uFF5Etilde", "assets/ümlaut ß");
        for (String key : keys) {
            assertEquals(PutOutcome.CREATED, store.putIfAbsent(key, Payload.ofBytes(bytes(key))), key);
        }
        for (String key : keys) {
            assertArrayEquals(bytes(key), readAll(key), key);
            assertEquals(key, store.head(key).orElseThrow().key());
        }
        assertEquals(keys.stream().sorted(StoreKeys.ORDER).toList(), keys("assets/"));
        assertEquals(List.of("assets/日本語/ファイル.js"), keys("assets/日本"));
        store.delete(keys);
        assertEquals(List.of(), keys("assets/"));
    }

    @Test
    void batchDeleteRemovesListedKeysAndIgnoresAbsentOnes() {
        for (String key : List.of("blobs/1", "blobs/2", "blobs/3", "blobs/4", "blobs/5")) {
            store.putIfAbsent(key, Payload.ofBytes(bytes(key)));
        }
        store.delete(List.of("blobs/1", "blobs/3", "blobs/5", "blobs/never-existed"));
        assertEquals(List.of("blobs/2", "blobs/4"), keys("blobs/"));
        store.delete(List.of());
        assertEquals(List.of("blobs/2", "blobs/4"), keys("blobs/"));
        assertTrue(store.head("blobs/3").isEmpty());
        assertEquals(PutOutcome.CREATED, store.putIfAbsent("blobs/3", Payload.ofBytes(bytes("again"))));
    }

    @Test
    void deleteTakesMoreThanOneBatch() {
        List<String> keys = IntStream.range(0, BlobStore.MAX_DELETE_BATCH + 5).mapToObj(i -> "gone/" + i).toList();
        store.putIfAbsent("gone/0", Payload.ofBytes(bytes("0")));
        store.putIfAbsent("gone/1004", Payload.ofBytes(bytes("1004")));
        store.putIfAbsent("kept", Payload.ofBytes(bytes("kept")));
        store.delete(keys);
        assertEquals(List.of("kept"), keys(""));
    }

    @Test
    void theStoresOwnBookkeepingIsNeverListed() {
        store.putIfAbsent("a", Payload.ofBytes(bytes("a")));
        store.compareAndSwap("b.json", bytes("b"), Optional.empty());
        assertEquals(List.of("a", "b.json"), keys(""));
    }

    @Test
    void invalidKeysAreRefused() {
        for (String key : List.of("", "/abs", "../up", "a/../b", "a//b", "a/./b", "a\\b", ".holdfast-lock",
                "x/.holdfast/y", "trailing/")) {
            assertThrows(IllegalArgumentException.class, () -> store.head(key), key);
            assertThrows(IllegalArgumentException.class, () -> store.putIfAbsent(key, Payload.ofBytes(bytes("x"))), key);
        }
    }

    // --- helpers ------------------------------------------------------------------------------------------

    protected static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    protected static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    protected byte[] readAll(String key) throws IOException {
        try (ObjectStream s = store.get(key, null).orElseThrow()) {
            return s.readAllBytes();
        }
    }

    protected List<String> keys(String prefix) {
        List<String> keys = new ArrayList<>();
        store.list(prefix, info -> keys.add(info.key()));
        return keys;
    }

    private void assertRange(String key, byte[] content, int first, int last) throws IOException {
        try (ObjectStream s = store.get(key, new ByteRange(first, last)).orElseThrow()) {
            assertEquals(content.length, s.info().size(), "the whole object's size");
            assertEquals(last - first + 1, s.length());
            byte[] expected = java.util.Arrays.copyOfRange(content, first, last + 1);
            assertArrayEquals(expected, s.readAllBytes(), "bytes " + first + "-" + last);
        }
    }

    private interface Attempt<T> {
        T run(int thread) throws Exception;
    }

    /** Runs the attempt on {@link #THREADS} threads released together; returns every result. */
    private <T> List<T> race(Attempt<T> attempt) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                int thread = i;
                Callable<T> task = () -> {
                    start.await(30, TimeUnit.SECONDS);
                    return attempt.run(thread);
                };
                futures.add(pool.submit(task));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Races compare-and-swaps; returns the contents of the winners ("claimed by i"); losers must conflict. */
    private List<String> raceCas(Attempt<ObjectInfo> attempt) throws Exception {
        List<Optional<String>> results = race(i -> {
            try {
                attempt.run(i);
                return Optional.of("claimed by " + i);
            } catch (ConflictException e) {
                return Optional.empty();
            }
        });
        Set<String> winners = new HashSet<>();
        results.forEach(r -> r.ifPresent(winners::add));
        return new ArrayList<>(winners);
    }
}
