package io.holdfast.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.fingerprint.Reference;
import io.holdfast.fingerprint.ReferenceScanner;
import io.holdfast.manifest.Asset;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.store.fs.FileSystemStore;
import io.holdfast.testing.ManualTimer;
import io.holdfast.testing.MutableClock;
import io.holdfast.testing.Trees;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashIndexTest {
    @TempDir
    Path tmp;

    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private List<FileHasher.HashedFile> hashAll(Path dir) {
        return new FileHasher(pool, 2).hash(SourceTree.scan(dir, Set.of(), 2, true).files(), n -> { });
    }

    private HashIndex indexOf(Path dir) {
        return HashIndex.load(HashIndex.fileFor(tmp.resolve("cache"), dir), dir);
    }

    /** Walk started a minute from now: every file just written counts as clearly older. */
    private static Instant later() {
        return Instant.now().plusSeconds(60);
    }

    @Test
    void anUnchangedFileIsKnownByItsStatus() {
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        List<FileHasher.HashedFile> hashed = hashAll(dir);
        indexOf(dir).save(hashed, later());

        HashIndex index = indexOf(dir);
        for (SourceFile f : SourceTree.scan(dir, Set.of(), 2, true).files()) {
            Digest expected = hashed.stream().filter(h -> h.source().path().equals(f.path())).findFirst().orElseThrow().digest();
            assertEquals(expected, index.digestOf(f), f.path());
        }
        assertEquals(hashed.size(), index.hits());
    }

    @Test
    void contentChangedWithSizeAndModificationTimeKeptIsNoticed() throws Exception {
        Path dir = Trees.write(tmp.resolve("site"), Map.of("a.txt", "aaaa", "b.txt", "bbbb"));
        indexOf(dir).save(hashAll(dir), later());
        Path a = dir.resolve("a.txt");
        FileTime mtime = Files.getLastModifiedTime(a);
        Thread.onSpinWait();
        Files.writeString(a, "AAAA"); // same size
        Files.setLastModifiedTime(a, mtime); // and the old modification time: only ctime (and content) differ

        HashIndex index = indexOf(dir);
        Map<String, SourceFile> files = new java.util.HashMap<>();
        SourceTree.scan(dir, Set.of(), 2, true).files().forEach(f -> files.put(f.path(), f));
        assertNull(index.digestOf(files.get("a.txt")), "a file whose status changed is read again");
        assertEquals(Digest.of("bbbb".getBytes(StandardCharsets.UTF_8)), index.digestOf(files.get("b.txt")));
    }

    @Test
    void aFileReplacedByAnotherIsReadAgain() throws Exception {
        Path dir = Trees.write(tmp.resolve("site"), Map.of("a.txt", "aaaa"));
        indexOf(dir).save(hashAll(dir), later());
        Path a = dir.resolve("a.txt");
        FileTime mtime = Files.getLastModifiedTime(a);
        Path fresh = dir.resolve("a.txt.new");
        Files.writeString(fresh, "zzzz");
        Files.setLastModifiedTime(fresh, mtime);
        Files.move(fresh, a, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        SourceFile f = SourceTree.scan(dir, Set.of(), 2, true).files().get(0);
        assertNull(indexOf(dir).digestOf(f));
    }

    @Test
    void filesYoungerThanTheRacyMarginAreNotRecorded() {
        Path dir = Trees.write(tmp.resolve("site"), Map.of("a.txt", "aaaa"));
        List<FileHasher.HashedFile> hashed = hashAll(dir);
        indexOf(dir).save(hashed, Instant.now()); // the file was written within the margin before the walk

        assertNull(indexOf(dir).digestOf(hashed.get(0).source()));
    }

    @Test
    void aDamagedIndexIsIgnored() throws Exception {
        Path dir = Trees.write(tmp.resolve("site"), Map.of("a.txt", "aaaa"));
        List<FileHasher.HashedFile> hashed = hashAll(dir);
        indexOf(dir).save(hashed, later());
        Path file = HashIndex.fileFor(tmp.resolve("cache"), dir);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);

        assertNull(indexOf(dir).digestOf(hashed.get(0).source()));
        Files.write(file, new byte[] {1, 2});
        assertNull(indexOf(dir).digestOf(hashed.get(0).source()));
    }

    @Test
    void anotherDirectorysIndexIsNotUsed() {
        Path one = Trees.write(tmp.resolve("one"), Map.of("a.txt", "aaaa"));
        Path two = Trees.write(tmp.resolve("two"), Map.of("a.txt", "aaaa"));
        List<FileHasher.HashedFile> hashed = hashAll(one);
        HashIndex.load(HashIndex.fileFor(tmp.resolve("cache"), two), one).save(hashed, later());

        assertNull(HashIndex.load(HashIndex.fileFor(tmp.resolve("cache"), two), two).digestOf(hashAll(two).get(0).source()));
        assertNotEquals(HashIndex.fileFor(tmp.resolve("cache"), one), HashIndex.fileFor(tmp.resolve("cache"), two));
    }

    @Test
    void referencesAreKeptForTheContentsStillInTheTree() {
        Path dir = Trees.write(tmp.resolve("site"), Map.of("a.css", "a{background:url(b.png)}", "b.png", "png"));
        List<FileHasher.HashedFile> hashed = hashAll(dir);
        Digest css = hashed.get(0).digest();
        HashIndex index = indexOf(dir);
        List<Reference> refs = List.of(new Reference(17, 22, "b.png"));
        index.remember(css, ReferenceScanner.Kind.CSS, refs);
        index.remember(Digest.of(new byte[] {9}), ReferenceScanner.Kind.JS, List.of());
        index.save(hashed, later());

        HashIndex again = indexOf(dir);
        assertEquals(refs, again.find(css, ReferenceScanner.Kind.CSS));
        assertNull(again.find(css, ReferenceScanner.Kind.JS));
        assertNull(again.find(Digest.of(new byte[] {9}), ReferenceScanner.Kind.JS), "a content no longer in the tree is dropped");
    }

    @Test
    void publishWithTheIndexGivesTheSameReleaseAndSeesChanges() throws Exception {
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        FileSystemStore store = new FileSystemStore(tmp.resolve("store"), true);
        Publisher withIndex = new Publisher(store, PublishSettings.defaults().withThreads(2, 4),
                new MutableClock(Instant.now().plusSeconds(60)), new ManualTimer(), PublisherTest.NO_SLEEP,
                PublishListener.NONE).withHashIndex(tmp.resolve("cache"));
        PublishResult first = withIndex.publish(io.holdfast.publish.PublishRequest.of(dir, ReleaseId.of("1")));
        assertTrue(Files.exists(HashIndex.fileFor(tmp.resolve("cache"), dir)));
        PublishResult same = withIndex.publish(io.holdfast.publish.PublishRequest.of(dir, ReleaseId.of("2")));
        assertEquals(0, same.newBlobs());
        assertEquals(first.manifest().assets(), same.manifest().assets());

        String css = Trees.smallSite().keySet().stream().filter(p -> p.endsWith(".css")).findFirst().orElseThrow();
        Files.writeString(dir.resolve(css), Files.readString(dir.resolve(css)) + "\n/* changed */\n");
        PublishResult changed = withIndex.publish(io.holdfast.publish.PublishRequest.of(dir, ReleaseId.of("3")));
        Asset after = changed.manifest().assets().stream().filter(x -> x.path().equals(css)).findFirst().orElseThrow();
        assertFalse(same.manifest().assets().contains(after));
        PublishResult fresh = PublisherTest.publisher(store).dryRun(io.holdfast.publish.PublishRequest.of(dir, ReleaseId.of("4")));
        assertEquals(fresh.manifest().assets(), changed.manifest().assets(), "as if every file had been read");
        PublisherTest.assertIntact(store, "3");
    }
}
