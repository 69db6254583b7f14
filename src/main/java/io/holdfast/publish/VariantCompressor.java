package io.holdfast.publish;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.BrotliOutputStream;
import com.aayushatharva.brotli4j.encoder.Encoder;
import io.holdfast.fingerprint.ContentTypes;
import io.holdfast.manifest.Digest;
import io.holdfast.store.Payload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
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

    /** Files up to this size are compressed from one read into memory. */
    static final long IN_MEMORY_BYTES = 16L << 20;
    private static final int MIN_WINDOW_BITS = 10;
    private static final int MAX_WINDOW_BITS = 24;
    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, 0};

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

    /**
     * The variants worth keeping (encoding → staged bytes), possibly none. The bytes compressed are checked
     * against the source's digest, so a variant is always of the content its manifest entry names, even if the file
     * changed after it was hashed (or its digest came from the local index).
     *
     * @throws IOException also if the content read does not match the source's digest
     */
    public Map<String, ScratchSpace.StagedBlob> compress(Payload source, ScratchSpace scratch) throws IOException {
        source = inMemory(source);
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
        return encode(inMemory(source), scratch, encoding);
    }

    /**
     * A file up to {@link #IN_MEMORY_BYTES} is read once, checked, and compressed by both encoders from memory;
     * a larger one is streamed and checked on each pass.
     */
    private static Payload inMemory(Payload source) throws IOException {
        if (source.bytes() != null || source.size() > IN_MEMORY_BYTES) {
            return source;
        }
        byte[] bytes = Files.readAllBytes(source.file());
        if (bytes.length != source.size() || !Digest.of(bytes).equals(source.sha256())) {
            throw changed(source);
        }
        return new Payload(null, bytes, bytes.length, source.sha256());
    }

    private static IOException changed(Payload source) {
        return new IOException("its content changed while it was being published (it no longer hashes to "
                + source.sha256() + ")");
    }

    private ScratchSpace.StagedBlob encode(Payload source, ScratchSpace scratch, String encoding) throws IOException {
        if (source.bytes() != null) {
            // One call into each encoder for the whole content: no stream plumbing, and no buffers per file.
            byte[] encoded = BR.equals(encoding) ? brotli(source.bytes()) : gzip(source.bytes());
            if (encoded.length >= source.size()) {
                return null;
            }
            ScratchSpace.Sink sink = scratch.sink(encoded.length);
            try (sink) {
                sink.write(encoded);
            }
            return sink.staged();
        }
        ScratchSpace.Sink sink = scratch.sink(source.size());
        MessageDigest sha = FileHasher.sha256();
        try (InputStream raw = source.open(); OutputStream enc = encoder(encoding, sink, source.size())) {
            new DigestInputStream(raw, sha).transferTo(enc);
        }
        if (!Digest.ofBytes(sha.digest()).equals(source.sha256())) {
            sink.discard();
            throw changed(source);
        }
        if (sink.size() >= source.size()) {
            sink.discard();
            return null;
        }
        return sink.staged();
    }

    private byte[] brotli(byte[] content) throws IOException {
        return Encoder.compress(content, brotliParameters(content.length));
    }

    /**
     * The window fits the content, as the brotli command line chooses it: a larger one compresses no better and
     * only makes the encoder take more memory per file.
     */
    private Encoder.Parameters brotliParameters(long size) {
        int lgwin = MIN_WINDOW_BITS;
        while (lgwin < MAX_WINDOW_BITS && (1L << lgwin) - 16 < size) {
            lgwin++;
        }
        return new Encoder.Parameters().setQuality(brotliQuality).setMode(Encoder.Mode.GENERIC).setWindow(lgwin);
    }

    /** Byte for byte what {@link GZIPOutputStream} writes: its header (no mtime, no name), deflate, CRC-32 and length. */
    private byte[] gzip(byte[] content) {
        Deflater deflater = new Deflater(gzipLevel, true);
        try {
            deflater.setInput(content);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(content.length / 2 + 64);
            out.write(GZIP_HEADER, 0, GZIP_HEADER.length);
            byte[] buf = new byte[Math.min(Math.max(content.length / 2, 4096), 1 << 16)];
            while (!deflater.finished()) {
                out.write(buf, 0, deflater.deflate(buf));
            }
            CRC32 crc = new CRC32();
            crc.update(content);
            writeIntLe(out, (int) crc.getValue());
            writeIntLe(out, content.length);
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static void writeIntLe(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }

    private OutputStream encoder(String encoding, OutputStream sink, long size) throws IOException {
        if (BR.equals(encoding)) {
            return new BrotliOutputStream(sink, brotliParameters(size), 1 << 16);
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
