package io.holdfast.gc;

import io.holdfast.manifest.ReleaseId;
import io.holdfast.publish.PublishListener;
import io.holdfast.publish.PublishRequest;
import io.holdfast.publish.PublishResult;
import io.holdfast.publish.PublishSettings;
import io.holdfast.publish.Publisher;
import io.holdfast.store.BlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/** The project's real publisher (io.holdfast.publish), set up for GC tests: files written to a directory, then published. */
final class RealPublishing {
    final CountDownLatch waited = new CountDownLatch(1);
    private final Publisher publisher;

    /**
     * @param clock the publisher's local clock (renewal timing only)
     * @param poll  how long each wait for a running GC lasts (instead of the real backoff)
     */
    RealPublishing(BlobStore store, Clock clock, Duration poll) {
        PublishSettings settings = PublishSettings.defaults().withThreads(1, 2).withCompression(1, 1, 1024)
                .withLeaseTtl(GcFixture.LEASE_TTL);
        // No background renewals: the tests decide when time passes, and the lease check at commit sees it.
        this.publisher = new Publisher(store, settings, clock, tick -> () -> { }, d -> {
            waited.countDown();
            LockSupport.parkNanos(poll.toNanos());
        }, PublishListener.NONE);
    }

    /** Writes {@code files} (name → content) into a fresh directory under {@code work} and publishes it as {@code id}. */
    PublishResult publish(Path work, String id, Map<String, String> files) {
        try {
            Path dir = Files.createDirectories(work.resolve("build-" + id));
            for (Map.Entry<String, String> f : files.entrySet()) {
                Files.writeString(dir.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
            }
            return publisher.publish(PublishRequest.of(dir, ReleaseId.of(id)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
