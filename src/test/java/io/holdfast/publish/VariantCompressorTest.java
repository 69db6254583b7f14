package io.holdfast.publish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.manifest.Digest;
import io.holdfast.store.Payload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VariantCompressorTest {
    @TempDir
    Path tmp;

    private final VariantCompressor compressor = new VariantCompressor(4, 3, 1024);

    @Test
    void compressesWhatTheDigestNames() throws IOException {
        byte[] text = "body { color: red; }\n".repeat(200).getBytes(StandardCharsets.UTF_8);
        Path f = Files.write(tmp.resolve("a.css"), text);
        try (ScratchSpace scratch = new ScratchSpace(1 << 20)) {
            Map<String, ScratchSpace.StagedBlob> v = compressor.compress(Payload.ofFile(f, text.length, Digest.of(text)), scratch);
            assertTrue(v.containsKey(VariantCompressor.GZIP));
            assertTrue(v.get(VariantCompressor.GZIP).size() < text.length);
        }
    }

    /**
     * The variants decode to the content. The gzip one is, after its fixed header, the deflate stream the JDK's
     * GZIPOutputStream makes at the same level, so variants made by earlier versions can still be recreated.
     */
    @Test
    void variantsDecodeToTheContentAndGzipMatchesTheJdkStream() throws IOException {
        StringBuilder b = new StringBuilder();
        java.util.Random random = new java.util.Random(7);
        while (b.length() < 300_000) {
            b.append("function f").append(random.nextInt(5000)).append("(a, b) { return a + b * ").append(random.nextInt(99)).append("; }\n");
        }
        for (int size : new int[] {1500, 70_000, 300_000}) {
            byte[] text = b.substring(0, size).getBytes(StandardCharsets.UTF_8);
            try (ScratchSpace scratch = new ScratchSpace(1 << 24)) {
                Map<String, ScratchSpace.StagedBlob> v = compressor.compress(new Payload(null, text, text.length, Digest.of(text)), scratch);
                byte[] br = v.get(VariantCompressor.BR).bytes();
                byte[] gz = v.get(VariantCompressor.GZIP).bytes();
                assertArrayEquals(text, com.aayushatharva.brotli4j.decoder.Decoder.decompress(br).getDecompressedData());
                assertArrayEquals(text, new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz)).readAllBytes());
                assertEquals(Digest.of(gz), v.get(VariantCompressor.GZIP).digest());

                java.io.ByteArrayOutputStream jdk = new java.io.ByteArrayOutputStream();
                try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(jdk) {
                    {
                        def.setLevel(3);
                    }
                }) {
                    out.write(text);
                }
                byte[] expected = jdk.toByteArray();
                assertArrayEquals(java.util.Arrays.copyOfRange(expected, 10, expected.length), java.util.Arrays.copyOfRange(gz, 10, gz.length));
                assertArrayEquals(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0}, java.util.Arrays.copyOf(gz, 10));
            }
        }
    }

    /** A file whose bytes are not the ones its digest names (changed after hashing, or a wrong index entry). */
    @Test
    void refusesContentThatDoesNotMatchItsDigest() throws IOException {
        byte[] text = "body { color: red; }\n".repeat(200).getBytes(StandardCharsets.UTF_8);
        byte[] other = "body { color: tan; }\n".repeat(200).getBytes(StandardCharsets.UTF_8);
        Path f = Files.write(tmp.resolve("a.css"), other);
        try (ScratchSpace scratch = new ScratchSpace(1 << 20)) {
            IOException e = assertThrows(IOException.class,
                    () -> compressor.compress(Payload.ofFile(f, text.length, Digest.of(text)), scratch));
            assertTrue(e.getMessage().contains("changed"), e.getMessage());
            assertThrows(IOException.class, () -> compressor.recreate(Payload.ofFile(f, text.length, Digest.of(text)), scratch,
                    VariantCompressor.GZIP));
        }
        assertEquals(other.length, Files.size(f));
    }
}
