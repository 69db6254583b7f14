package io.holdfast.publish;

import static io.holdfast.publish.PublisherTest.NO_SLEEP;
import static io.holdfast.publish.PublisherTest.assertIntact;
import static io.holdfast.publish.PublisherTest.keys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.Lease;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ForwardingStore;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.Payload;
import io.holdfast.store.PutOutcome;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import io.holdfast.store.s3.S3Store;
import io.holdfast.testing.CountingStore;
import io.holdfast.testing.FaultInjectingStore;
import io.holdfast.testing.ManualTimer;
import io.holdfast.testing.MutableClock;
import io.holdfast.testing.S3TestServer;
import io.holdfast.testing.Trees;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The publish integration tests that matter most, on a real S3 server (S3Proxy, in process). */
class PublishOnS3Test {
    @TempDir
    Path tmp;

    private static PublishResult publish(BlobStore store, Path dir, String id) {
        return new Publisher(store, PublishSettings.defaults().withThreads(2, 8), new MutableClock(Instant.EPOCH),
                new ManualTimer(), NO_SLEEP, PublishListener.NONE).publish(PublishRequest.of(dir, ReleaseId.of(id)));
    }

    @Test
    void publishesIncrementallyAndRepublishesForFree() {
        Map<String, String> files = Trees.smallSite();
        files.putAll(Trees.numbered(40, 3));
        files.put("a b/ünï #1?.css", "x{background:url('../img/logo.png')}");
        Path dir = Trees.write(tmp.resolve("site"), files);
        try (S3Store s3 = S3TestServer.shared().freshStore()) {
            CountingStore store = new CountingStore(s3);
            PublishResult first = publish(store, dir, "1");
            assertEquals(first.blobs(), first.newBlobs());
            assertIntact(store, "1");

            store.reset();
            PublishResult same = publish(store, dir, "2");
            assertEquals(0, same.newBlobs());
            assertEquals(0, store.calls().stream().filter(c -> c.contains(StoreKeys.BLOBS)).count(), store.calls().toString());

            Trees.write(dir, Map.of("f/1.txt", "one", "f/2.txt", "two"));
            store.reset();
            PublishResult two = publish(store, dir, "3");
            assertEquals(2, two.newBlobs());
            assertEquals(2, store.calls().stream().filter(c -> c.contains(StoreKeys.BLOBS)).count(), store.calls().toString());
            assertIntact(store, "3");
            assertEquals(List.of(), keys(store, StoreKeys.LEASES));
        }
    }

    @Test
    void theSameIdWithOtherContentIsRefused() {
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        try (S3Store store = S3TestServer.shared().freshStore()) {
            publish(store, dir, "1");
            assertTrue(publish(store, dir, "1").alreadyCommitted());
            Trees.write(dir, Map.of("index.html", "other"));
            HoldfastException e = org.junit.jupiter.api.Assertions.assertThrows(HoldfastException.class, () -> publish(store, dir, "1"));
            assertEquals(ErrorKind.RELEASE_CONFLICT, e.kind());
        }
    }

    @Test
    void aFaultAtEveryStepLeavesNoPartialReleaseAndTheRerunUploadsOnlyWhatIsMissing() {
        // Smaller than the filesystem variant of this test: every k costs two publishes of real HTTP requests.
        Path dir = Trees.write(tmp.resolve("site"), Map.of("index.html", "<link rel=stylesheet href=app.css>",
                "app.css", "body{background:url(logo.png)}", "logo.png", "png"));
        int calls;
        Set<Digest> all;
        try (S3Store s3 = S3TestServer.shared().freshStore()) {
            FaultInjectingStore counting = new FaultInjectingStore(s3, 0);
            all = publish(counting, dir, "1").manifest().digests();
            calls = counting.calls();
        }
        for (int k = 1; k <= calls; k++) {
            try (S3Store healthy = S3TestServer.shared().freshStore()) {
                FaultInjectingStore faulty = new FaultInjectingStore(healthy, k);
                boolean succeeded;
                try {
                    publish(faulty, dir, "1");
                    succeeded = true;
                } catch (HoldfastException e) {
                    succeeded = false;
                }
                String at = "fault at call " + k + " (" + faulty.log().get(k - 1) + ")";
                boolean visible = healthy.head(StoreKeys.release(ReleaseId.of("1"))).isPresent();
                assertEquals(succeeded, visible, at);
                Set<Digest> missing = new HashSet<>();
                for (Digest d : all) {
                    if (healthy.head(StoreKeys.blob(d)).isEmpty()) {
                        missing.add(d);
                    }
                }
                PublishResult rerun = publish(healthy, dir, "1");
                if (!succeeded) {
                    assertFalse(rerun.alreadyCommitted(), at);
                    assertEquals(missing.size(), rerun.newBlobs(), at);
                }
                assertIntact(healthy, "1");
            }
        }
    }

    @Test
    void aRevokedLeaseMakesThePublishCheckEveryBlobAgain() {
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        try (S3Store s3 = S3TestServer.shared().freshStore()) {
            AtomicBoolean revoked = new AtomicBoolean();
            BlobStore store = new ForwardingStore(s3) {
                @Override
                public PutOutcome putIfAbsent(String key, Payload payload) {
                    if (key.startsWith(StoreKeys.BLOBS) && revoked.compareAndSet(false, true)) {
                        List<ObjectInfo> leases = new ArrayList<>();
                        s3.list(StoreKeys.LEASES, leases::add);
                        for (ObjectInfo l : leases) {
                            Versioned v = s3.read(l.key()).orElseThrow();
                            Lease lease = Documents.decode(v.content(), Lease.class, l.key());
                            s3.compareAndSwap(l.key(), Documents.encode(lease.revoke()), Optional.of(v.version()));
                        }
                    }
                    return super.putIfAbsent(key, payload);
                }
            };
            PublishResult r = publish(store, dir, "1");
            assertEquals(2, r.attempts());
            assertIntact(s3, "1");
        }
    }
}
