package io.holdfast.catalog;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Reading releases from a store: which are committed ({@code releases/}) or retired ({@code retired/}), and their
 * manifests. Shared by publish, GC, the origin and the commands that show releases. Keys that are not valid
 * release ids are skipped, never trusted.
 */
public final class ReleaseCatalog {
    private final BlobStore store;

    public ReleaseCatalog(BlobStore store) {
        this.store = store;
    }

    /** A release document as listed: its id and the store's metadata (lastModified = commit time, store clock). */
    public record Entry(ReleaseId id, ObjectInfo info) {
    }

    /** Order by id: numbers numerically, then names. */
    public static final Comparator<Entry> BY_ID = Comparator.comparing(Entry::id);

    /** Newest commit first (store time), ties by id, highest first. */
    public static final Comparator<Entry> NEWEST_FIRST =
            Comparator.comparing((Entry e) -> e.info().lastModified()).thenComparing(Entry::id).reversed();

    /** Every committed release, sorted by id. */
    public List<Entry> committed() {
        return list(StoreKeys.RELEASES);
    }

    /** Every retired (restorable) release, sorted by id. */
    public List<Entry> retired() {
        return list(StoreKeys.RETIRED);
    }

    /** The {@code n} most recently committed releases, newest first. */
    public List<Entry> newest(int n) {
        List<Entry> all = new ArrayList<>(committed());
        all.sort(NEWEST_FIRST);
        return all.subList(0, Math.min(n, all.size()));
    }

    /** Whether the release is committed now (one HEAD). */
    public boolean isCommitted(ReleaseId id) {
        return store.head(StoreKeys.release(id)).isPresent();
    }

    /** The manifest of a committed release, if committed. */
    public Optional<ReleaseManifest> read(ReleaseId id) {
        return readAt(StoreKeys.release(id), id);
    }

    /** The manifest of a retired release, if retired. */
    public Optional<ReleaseManifest> readRetired(ReleaseId id) {
        return readAt(StoreKeys.retired(id), id);
    }

    /** The stored bytes of a committed release's manifest, exactly as written. */
    public Optional<byte[]> readRaw(ReleaseId id) {
        return store.read(StoreKeys.release(id)).map(Versioned::content);
    }

    /** The manifest of a committed release, or a {@link ErrorKind#NOT_FOUND} error saying what exists instead. */
    public ReleaseManifest require(ReleaseId id) {
        return read(id).orElseThrow(() -> notCommitted(id));
    }

    /** The error for a release that is not committed, telling a retired one apart from an unknown one. */
    public HoldfastException notCommitted(ReleaseId id) {
        boolean retired = store.head(StoreKeys.retired(id)).isPresent();
        return new HoldfastException(ErrorKind.NOT_FOUND, "release " + id + (retired
                ? " is retired (GC retired it; restore it before using it)"
                : " is not committed in " + store.describe()));
    }

    private Optional<ReleaseManifest> readAt(String key, ReleaseId id) {
        return store.read(key).map(v -> {
            ReleaseManifest m = Documents.decodeManifest(v.content(), key);
            if (!m.id().equals(id)) {
                throw new HoldfastException(ErrorKind.STORE_FAILED, "store object " + key + " describes release " + m.id());
            }
            return m;
        });
    }

    private List<Entry> list(String prefix) {
        List<Entry> out = new ArrayList<>();
        store.list(prefix, info -> StoreKeys.releaseIdIn(prefix, info.key()).ifPresent(id -> out.add(new Entry(id, info))));
        out.sort(BY_ID);
        return out;
    }
}
