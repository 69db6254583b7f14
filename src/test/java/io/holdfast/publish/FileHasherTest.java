package io.holdfast.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Digest;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileHasherTest {
    @TempDir
    Path tmp;

    @Test
    void hashesSmallEmptyBufferSizedAndPipelinedFilesExactly() throws Exception {
        long seed = 99;
        Random random = new Random(seed);
        long[] sizes = {0, 1, FileHasher.BUFFER_BYTES - 1, FileHasher.BUFFER_BYTES, FileHasher.BUFFER_BYTES + 1,
            FileHasher.PIPELINE_BYTES + 12345};
        List<SourceFile> files = new ArrayList<>();
        List<Digest> expected = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            Path p = tmp.resolve("f" + i);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] chunk = new byte[1 << 16];
            try (OutputStream out = Files.newOutputStream(p)) {
                for (long left = sizes[i]; left > 0; left -= chunk.length) {
                    random.nextBytes(chunk);
                    int n = (int) Math.min(chunk.length, left);
                    out.write(chunk, 0, n);
                    sha.update(chunk, 0, n);
                }
            }
            files.add(new SourceFile("f" + i, p, sizes[i]));
            expected.add(Digest.ofBytes(sha.digest()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<FileHasher.HashedFile> hashed = new FileHasher(pool, 2).hash(files, n -> { });
            for (int i = 0; i < sizes.length; i++) {
                assertEquals(expected.get(i), hashed.get(i).digest(), "size " + sizes[i] + " (seed " + seed + ")");
                assertEquals(sizes[i], hashed.get(i).size());
                assertEquals(expected.get(i), FileHasher.digestOf(files.get(i).file()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFileThatVanishedIsBadInputNamingIt() {
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try {
            HoldfastException e = assertThrows(HoldfastException.class, () -> new FileHasher(pool, 1)
                    .hash(List.of(new SourceFile("gone.js", tmp.resolve("gone.js"), 3)), n -> { }));
            assertEquals(ErrorKind.BAD_INPUT, e.kind());
            assertEquals(true, e.getMessage().contains("gone.js"));
        } finally {
            pool.shutdownNow();
        }
    }
}
