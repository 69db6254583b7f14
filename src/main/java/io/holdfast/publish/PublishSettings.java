package io.holdfast.publish;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.fingerprint.EntryPoints;
import java.time.Duration;

/**
 * How a publish runs. {@link #defaults()} is what the command uses unless told otherwise.
 *
 * @param entryPoints       files that keep their names
 * @param prefix            URL path the tree is published under: {@code ""} or e.g. {@code "assets/"} (logical and
 *                          served paths in the manifest carry it; framework manifests do not)
 * @param brotliQuality     0-11
 * @param gzipLevel         1-9
 * @param compressThreshold smallest file that gets precompressed variants
 * @param threads           hashing and compression threads
 * @param uploads           concurrent uploads
 * @param leaseTtl          lease lifetime; renewed every third of it
 * @param priorReleases     how many of the newest releases to reuse as proof of existing blobs
 * @param headThreshold     blobs at least this large are looked up before being uploaded
 * @param scratchMemory     bytes of compressed variants held in memory before spilling to a temp directory
 * @param maxAttempts       how many times a publish may lose its lease and start over before giving up
 */
public record PublishSettings(EntryPoints entryPoints, String prefix, int brotliQuality, int gzipLevel,
                              long compressThreshold, int threads, int uploads, Duration leaseTtl, int priorReleases,
                              long headThreshold, long scratchMemory, int maxAttempts) {
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(600);
    /**
     * Publish-time CPU against bytes served. On real Vite output brotli 4 is 7% larger than 5 and about twice as
     * fast; 11 is ~15% smaller than 4 and 100 times slower. The cold publish of a large tree spends most of its
     * CPU compressing, so the default leans to speed; {@code --brotli-quality} trades it back. A content is
     * compressed once: later releases reuse its variants.
     */
    public static final int DEFAULT_BROTLI_QUALITY = 4;
    /**
     * gzip only serves clients without brotli, so its level leans further to speed: 3 is the best of zlib's fast
     * levels (6% larger than 4, about twice as fast).
     */
    public static final int DEFAULT_GZIP_LEVEL = 3;

    public PublishSettings {
        if (brotliQuality < 0 || brotliQuality > 11) {
            throw new HoldfastException(ErrorKind.USAGE, "brotli quality must be 0-11, not " + brotliQuality);
        }
        if (gzipLevel < 1 || gzipLevel > 9) {
            throw new HoldfastException(ErrorKind.USAGE, "gzip level must be 1-9, not " + gzipLevel);
        }
        if (threads < 1 || uploads < 1) {
            throw new HoldfastException(ErrorKind.USAGE, "threads and uploads must be at least 1");
        }
        if (leaseTtl.toSeconds() < 3) {
            throw new HoldfastException(ErrorKind.USAGE, "lease ttl must be at least 3 seconds");
        }
        prefix = normalizePrefix(prefix);
    }

    public static PublishSettings defaults() {
        return new PublishSettings(EntryPoints.defaults(), "", DEFAULT_BROTLI_QUALITY, DEFAULT_GZIP_LEVEL, 1024,
                Runtime.getRuntime().availableProcessors(), 16, DEFAULT_LEASE_TTL, 3, 1 << 20, defaultScratchMemory(), 5);
    }

    /**
     * A quarter of the heap, at most 512 MiB: variants beyond it wait for upload in scratch files, thousands of small
     * files on a large cold publish; a fixed budget would overrun the heap of a small build machine.
     */
    static long defaultScratchMemory() {
        return Math.min(512L << 20, Runtime.getRuntime().maxMemory() / 4);
    }

    /** {@code "/assets"}, {@code "assets/"} and {@code "assets"} all mean {@code "assets/"}. */
    static String normalizePrefix(String prefix) {
        if (prefix == null) {
            return "";
        }
        String p = prefix.strip();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty()) {
            return "";
        }
        for (String seg : p.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..") || seg.contains("\\")) {
                throw new HoldfastException(ErrorKind.USAGE, "invalid --prefix '" + prefix + "'");
            }
        }
        return p + "/";
    }

    public PublishSettings withEntryPoints(EntryPoints e) {
        return new PublishSettings(e, prefix, brotliQuality, gzipLevel, compressThreshold, threads, uploads, leaseTtl,
                priorReleases, headThreshold, scratchMemory, maxAttempts);
    }

    public PublishSettings withPrefix(String p) {
        return new PublishSettings(entryPoints, p, brotliQuality, gzipLevel, compressThreshold, threads, uploads, leaseTtl,
                priorReleases, headThreshold, scratchMemory, maxAttempts);
    }

    public PublishSettings withCompression(int brotli, int gzip, long threshold) {
        return new PublishSettings(entryPoints, prefix, brotli, gzip, threshold, threads, uploads, leaseTtl,
                priorReleases, headThreshold, scratchMemory, maxAttempts);
    }

    public PublishSettings withThreads(int hashing, int uploading) {
        return new PublishSettings(entryPoints, prefix, brotliQuality, gzipLevel, compressThreshold, hashing, uploading,
                leaseTtl, priorReleases, headThreshold, scratchMemory, maxAttempts);
    }

    public PublishSettings withLeaseTtl(Duration ttl) {
        return new PublishSettings(entryPoints, prefix, brotliQuality, gzipLevel, compressThreshold, threads, uploads, ttl,
                priorReleases, headThreshold, scratchMemory, maxAttempts);
    }

    public PublishSettings withHeadThreshold(long bytes) {
        return new PublishSettings(entryPoints, prefix, brotliQuality, gzipLevel, compressThreshold, threads, uploads,
                leaseTtl, priorReleases, bytes, scratchMemory, maxAttempts);
    }

    public PublishSettings withScratchMemory(long bytes) {
        return new PublishSettings(entryPoints, prefix, brotliQuality, gzipLevel, compressThreshold, threads, uploads,
                leaseTtl, priorReleases, headThreshold, bytes, maxAttempts);
    }
}
