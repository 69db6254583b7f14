package io.holdfast.publish;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.Sequence;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ConflictException;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --release auto}: the next sequential release number, taken atomically from
 * {@code sequence/releases.json} by compare-and-swap, so concurrent CI jobs get distinct numbers without
 * coordinating. A number whose publish later fails is simply skipped. The first allocation in a store starts
 * after the highest numeric release already there, and a number someone already used by hand is passed over.
 */
public final class ReleaseSequence {
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseSequence.class);
    static final int MAX_ATTEMPTS = 50;

    private final BlobStore store;

    public ReleaseSequence(BlobStore store) {
        this.store = store;
    }

    public ReleaseId next() {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Optional<Versioned> current = store.read(StoreKeys.RELEASE_SEQUENCE);
            long last = current.isPresent()
                    ? Documents.decode(current.get().content(), Sequence.class, StoreKeys.RELEASE_SEQUENCE).last()
                    : highestNumericRelease();
            long n = last + 1;
            while (taken(n)) {
                n++;
            }
            try {
                store.compareAndSwap(StoreKeys.RELEASE_SEQUENCE, Documents.encode(new Sequence(n)),
                        current.map(Versioned::version));
                ReleaseId id = ReleaseId.of(Long.toString(n));
                LOG.info("event=sequence.allocated release={} attempt={}", id, attempt);
                return id;
            } catch (ConflictException e) {
                LOG.debug("event=sequence.conflict candidate={} attempt={}", n, attempt);
            }
        }
        throw new HoldfastException(ErrorKind.CONCURRENT_UPDATE, "could not take a release number from "
                + StoreKeys.RELEASE_SEQUENCE + " after " + MAX_ATTEMPTS + " attempts (too many concurrent publishes); retry");
    }

    private boolean taken(long n) {
        ReleaseId id = ReleaseId.of(Long.toString(n));
        return store.head(StoreKeys.release(id)).isPresent() || store.head(StoreKeys.retired(id)).isPresent();
    }

    private long highestNumericRelease() {
        AtomicLong max = new AtomicLong();
        for (String prefix : new String[] {StoreKeys.RELEASES, StoreKeys.RETIRED}) {
            store.list(prefix, info -> StoreKeys.releaseIdIn(prefix, info.key()).ifPresent(id -> {
                String v = id.value();
                if (v.length() <= 18 && v.chars().allMatch(Character::isDigit)) {
                    max.accumulateAndGet(Long.parseLong(v), Math::max);
                }
            }));
        }
        return max.get();
    }
}
