package io.holdfast.gc;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.Pin;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ConflictException;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** {@code pins/<id>.json}: releases GC keeps whatever the policy says (a pinned retired release is restored). */
public final class Pins {
    private final BlobStore store;
    private final Clock clock;

    /** Where a pinned release is. */
    public enum Found { LIVE, RETIRED }

    public Pins(BlobStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Pins a committed or retired release, or updates the reason of an existing pin. */
    public Found pin(ReleaseId id, String reason) {
        Found found;
        if (store.head(StoreKeys.release(id)).isPresent()) {
            found = Found.LIVE;
        } else if (store.head(StoreKeys.retired(id)).isPresent()) {
            found = Found.RETIRED;
        } else {
            throw new HoldfastException(ErrorKind.NOT_FOUND, "release " + id + " does not exist in " + store.describe()
                    + " (neither " + StoreKeys.release(id) + " nor " + StoreKeys.retired(id) + ")");
        }
        byte[] doc = Documents.encode(new Pin(id, reason, clock.instant()));
        String key = StoreKeys.pin(id);
        Optional<Versioned> existing = store.read(key);
        try {
            store.compareAndSwap(key, doc, existing.map(Versioned::version));
        } catch (ConflictException e) {
            throw new HoldfastException(ErrorKind.CONCURRENT_UPDATE, "pin of release " + id
                    + " was changed concurrently (" + key + "); run the command again");
        }
        return found;
    }

    public void unpin(ReleaseId id) {
        String key = StoreKeys.pin(id);
        if (store.head(key).isEmpty()) {
            throw new HoldfastException(ErrorKind.NOT_FOUND, "release " + id + " is not pinned (no " + key + " in "
                    + store.describe() + ")");
        }
        store.delete(List.of(key));
    }
}
