package io.holdfast.publish;

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
