package io.holdfast.publish;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.BrotliOutputStream;
import com.aayushatharva.brotli4j.encoder.Encoder;
import io.holdfast.fingerprint.ContentTypes;
import io.holdfast.store.Payload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Precompressed br and gzip forms of compressible assets, kept only when smaller than the original. The origin
 * serves them to clients that accept the encoding, so compression costs CPU once per distinct content instead of
 * once per request.
 *
 * <p>Brotli runs first: when it cannot shrink a file, gzip will not either, so gzip is skipped (incompressible
 * content behind a text extension costs one fast brotli pass). Defaults and their trade-offs: {@link
 * PublishSettings#DEFAULT_BROTLI_QUALITY}, {@link PublishSettings#DEFAULT_GZIP_LEVEL}; {@code --brotli-quality 11}
 * buys the last percent at under 1 MB/s.
 */
public final class VariantCompressor {
    public static final String BR = "br";
    public static final String GZIP = "gzip";
    private static final Logger LOG = LoggerFactory.getLogger(VariantCompressor.class);

    private final int brotliQuality;
    private final int gzipLevel;
    private final long threshold;
    private volatile Boolean brotli;

    /**
     * @param brotliQuality 0-11
     * @param gzipLevel     1-9
     * @param threshold     smaller files get no variants (the saving would not pay for a request's headers)
     */
    public VariantCompressor(int brotliQuality, int gzipLevel, long threshold) {
        this.brotliQuality = brotliQuality;
        this.gzipLevel = gzipLevel;
        this.threshold = threshold;
    }

    /** Loads the native encoder on first use: a tree without compressible files never pays for it. */
    private boolean brotli() {
        Boolean b = brotli;
        if (b == null) {
            synchronized (this) {
                if (brotli == null) {
                    brotli = loadBrotli();
                }
                b = brotli;
            }
        }
        return b;
    }

    private static boolean loadBrotli() {
        try {
            Brotli4jLoader.ensureAvailability();
            return true;
        } catch (Throwable e) { // UnsatisfiedLinkError on a platform without the native library
            LOG.warn("event=brotli.unavailable reason=\"{}\" effect=\"gzip variants only\"", e);
            return false;
        }
    }

    /** True if an asset of this type and size gets variants. */
    public boolean wants(String contentType, long size) {
        return size >= threshold && ContentTypes.isCompressible(contentType);
    }

    /** The variants worth keeping (encoding → staged bytes), possibly none. */
    public Map<String, ScratchSpace.StagedBlob> compress(Payload source, ScratchSpace scratch) throws IOException {
        Map<String, ScratchSpace.StagedBlob> kept = new LinkedHashMap<>();
        if (brotli()) {
            ScratchSpace.StagedBlob br = encode(source, scratch, BR);
            if (br == null) {
                return kept;
            }
            kept.put(BR, br);
        }
        ScratchSpace.StagedBlob gz = encode(source, scratch, GZIP);
        if (gz != null) {
            kept.put(GZIP, gz);
        }
        return kept;
    }

    /** Re-encodes one variant exactly as {@link #compress} would (to recreate a lost blob). */
    public ScratchSpace.StagedBlob recreate(Payload source, ScratchSpace scratch, String encoding) throws IOException {
        if (BR.equals(encoding) && !brotli()) {
            return null;
        }
        return encode(source, scratch, encoding);
    }

    private ScratchSpace.StagedBlob encode(Payload source, ScratchSpace scratch, String encoding) throws IOException {
        ScratchSpace.Sink sink = scratch.sink(source.size());
        try (InputStream in = source.open(); OutputStream enc = encoder(encoding, sink)) {
            in.transferTo(enc);
        }
        if (sink.size() >= source.size()) {
            sink.discard();
            return null;
        }
        return sink.staged();
    }

    private OutputStream encoder(String encoding, OutputStream sink) throws IOException {
        if (BR.equals(encoding)) {
            Encoder.Parameters p = new Encoder.Parameters().setQuality(brotliQuality).setMode(Encoder.Mode.GENERIC);
            return new BrotliOutputStream(sink, p, 1 << 16);
        }
        // mtime 0 and no file name in the header (the JDK writes neither), so equal input gives equal bytes.
        return new GZIPOutputStream(sink, 1 << 16) {
            {
                def.setLevel(gzipLevel);
                def.setStrategy(Deflater.DEFAULT_STRATEGY);
            }
        };
    }
}
