package io.holdfast.store;

import io.holdfast.manifest.ChannelName;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.ReleaseId;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;

/**
 * The one place that builds and parses store keys. The same keys are used on the filesystem (relative paths
 * under the root) and on S3 (under the bucket prefix). See docs/STORE-FORMAT.md.
 */
public final class StoreKeys {
    public static final String BLOBS = "blobs/sha256/";
    public static final String RELEASES = "releases/";
    public static final String RETIRED = "retired/";
    public static final String CHANNELS = "channels/";
    public static final String LEASES = "leases/";
    public static final String PINS = "pins/";
    public static final String ACCESS = "access/";
    public static final String GC_STATE = "gc/state.json";
    public static final String GC_CANDIDATES = "gc/candidates.json";
    /** Written by a GC that must learn the store's present time before it may take over a stalled run. */
    public static final String GC_CLOCK = "gc/clock.json";
    public static final String RELEASE_SEQUENCE = "sequence/releases.json";
    private static final String JSON = ".json";
    /** Names starting with this are the store's own bookkeeping (temp files, locks, markers), never keys. */
    public static final String RESERVED = ".holdfast";

    /**
     * The order {@link BlobStore#list} delivers keys in: by their UTF-8 bytes, as S3 lists them. (It differs from
     * {@link String#compareTo} only for characters beyond U+FFFF against U+E000..U+FFFF.)
     */
    public static final Comparator<String> ORDER = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private StoreKeys() {
    }

    /**
     * Checks that {@code key} is a key every backend stores the same way: a relative path of non-empty
     * segments, none of them {@code .} or {@code ..} or reserved, without backslash or NUL.
     *
     * @return the key
     * @throws IllegalArgumentException otherwise (a key is built by this class, so a bad one is a bug)
     */
    public static String requireValid(String key) {
        if (!isValid(key)) {
            throw new IllegalArgumentException("invalid store key: " + key);
        }
        return key;
    }

    /** See {@link #requireValid}; listings skip objects whose names are not valid keys (not ours). */
    public static boolean isValid(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/") || key.contains("\\") || key.contains("\0")) {
            return false;
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.startsWith(RESERVED)) {
                return false;
            }
        }
        return true;
    }

    public static String blob(Digest d) {
        return BLOBS + d.hex().substring(0, 2) + "/" + d.hex();
    }

    public static String release(ReleaseId id) {
        return RELEASES + id.value() + JSON;
    }

    public static String retired(ReleaseId id) {
        return RETIRED + id.value() + JSON;
    }

    public static String channel(ChannelName name) {
        return CHANNELS + name.value() + JSON;
    }

    public static String lease(String publishId) {
        return LEASES + publishId + JSON;
    }

    public static String pin(ReleaseId id) {
        return PINS + id.value() + JSON;
    }

    public static String access(String originId) {
        return ACCESS + originId + JSON;
    }

    /** The digest a blob key names, or empty for anything else (garbage keys are skipped, never trusted). */
    public static Optional<Digest> blobDigest(String key) {
        if (!key.startsWith(BLOBS) || key.length() != BLOBS.length() + 3 + 64) {
            return Optional.empty();
        }
        String hex = key.substring(BLOBS.length() + 3);
        if (!Digest.isValid(hex) || !key.startsWith(BLOBS + hex.substring(0, 2) + "/")) {
            return Optional.empty();
        }
        return Optional.of(new Digest(hex));
    }

    /** The release id in a {@code releases/}, {@code retired/} or {@code pins/} key, or empty. */
    public static Optional<ReleaseId> releaseIdIn(String prefix, String key) {
        if (!key.startsWith(prefix) || !key.endsWith(JSON)) {
            return Optional.empty();
        }
        String id = key.substring(prefix.length(), key.length() - JSON.length());
        return ReleaseId.isValid(id) ? Optional.of(new ReleaseId(id)) : Optional.empty();
    }

    /** The name in a {@code channels/}, {@code leases/} or {@code access/} key, or empty. */
    public static Optional<String> nameIn(String prefix, String key) {
        if (!key.startsWith(prefix) || !key.endsWith(JSON)) {
            return Optional.empty();
        }
        String name = key.substring(prefix.length(), key.length() - JSON.length());
        return name.isEmpty() || name.contains("/") ? Optional.empty() : Optional.of(name);
    }
}
