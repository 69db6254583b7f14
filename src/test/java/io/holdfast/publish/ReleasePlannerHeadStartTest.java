package io.holdfast.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.fingerprint.ReferenceCache;
import io.holdfast.manifest.Digest;
import io.holdfast.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Work begun before the earlier releases are known gives exactly the plan made without it. */
class ReleasePlannerHeadStartTest {
    @TempDir
    Path tmp;

    private final ExecutorService cpu = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        cpu.shutdownNow();
    }

    private ReleasePlanner planner(ScratchSpace scratch, List<String> phases) {
        return new ReleasePlanner(PublishSettings.defaults().withThreads(2, 2), cpu, scratch,
                new VariantCompressor(4, 3, 1024), new PublishListener() {
                    @Override
                    public void phase(String name, long items, long bytes) {
                        phases.add(name);
                    }
                }, ReferenceCache.NONE);
    }

    @Test
    void aHeadStartChangesNothingButWhenTheWorkIsDone() throws Exception {
        Map<String, String> site = new java.util.LinkedHashMap<>(Trees.smallSite());
        site.put("css/big.css", "p { margin: 0 auto; }\n".repeat(400) + "b{background:url(../img/logo.png)}\n");
        site.put("js/big.js", "console.log('again');\n".repeat(400));
        Path dir = Trees.write(tmp.resolve("site"), site);
        List<FileHasher.HashedFile> hashed = new FileHasher(cpu, 2).hash(SourceTree.scan(dir, Set.of(), 2).files(), n -> { });
        Set<Digest> fresh = hashed.stream().map(FileHasher.HashedFile::digest).collect(Collectors.toSet());

        List<String> plain = new ArrayList<>();
        List<String> early = new ArrayList<>();
        try (ScratchSpace a = new ScratchSpace(1 << 20); ScratchSpace b = new ScratchSpace(1 << 20)) {
            ReleasePlan without = planner(a, plain).plan(hashed, PriorReleases.none());
            ReleasePlanner begun = planner(b, early);
            begun.begin(hashed, fresh);
            begun.awaitBegun();
            ReleasePlan with = begun.plan(hashed, PriorReleases.none());

            assertEquals(without.assets(), with.assets());
            assertEquals(without.blobs().keySet(), with.blobs().keySet());
            for (BlobUploader.Blob blob : with.blobs().values()) {
                byte[] bytes = blob.source().payload().open().readAllBytes();
                assertEquals(blob.digest(), Digest.of(bytes), "every blob's bytes match its digest");
            }
            assertTrue(with.assets().stream().anyMatch(x -> !x.variants().isEmpty()), "some variants were made");
        }
        assertTrue(plain.contains("compressing"));
        assertFalse(early.contains("compressing"), "the head start had compressed everything already");
        assertTrue(Files.exists(dir.resolve("css/big.css")));
    }
}
