package io.holdfast.cli;

import static io.holdfast.cli.PublishCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.holdfast.error.ErrorKind;
import io.holdfast.store.fs.FileSystemStore;
import io.holdfast.testing.HostileContent;
import io.holdfast.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify} and {@code gc} on a store holding broken or hostile content ({@link HostileContent}) next to a good
 * release: verify reports every unreadable or untrusted manifest and every damaged blob, still checks everything
 * else, and exits DAMAGED; gc refuses to run with one line naming the manifest it cannot read. Nothing crashes.
 */
class HostileStoreCommandsTest {
    @TempDir
    Path tmp;
    private Path root;
    private String store;
    private HostileContent.Written hostile;

    @BeforeEach
    void hostileStore() {
        root = tmp.resolve("store");
        store = root.toString();
        Path site = Trees.write(tmp.resolve("site"), Trees.smallSite());
        assertEquals(0, run("publish", site.toString(), "--release", "good", "--store", store, "--channel", "production").code());
        try (FileSystemStore fs = new FileSystemStore(root, false)) {
            hostile = HostileContent.write(fs, HostileContent.filesUnder(root));
        }
    }

    @Test
    void verifyReportsEveryBrokenManifestAndDamagedBlobAndChecksTheRest() throws Exception {
        PublishCommandTest.Run r = run("verify", "--store", store, "--json");
        assertEquals(ErrorKind.DAMAGED.exitCode(), r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one error line: " + r.err());
        JsonNode json = r.json();
        Map<String, String> kinds = new HashMap<>();
        json.get("manifestProblems").forEach(p -> kinds.merge(p.get("release").asText(), p.get("kind").asText(), (a, b) -> a));
        for (String id : HostileContent.UNREADABLE) {
            assertEquals("unreadable", kinds.get(id), id + " in " + json.get("manifestProblems"));
        }
        assertEquals("unreadable", kinds.get(HostileContent.WRONG_ID));
        for (String id : HostileContent.UNTRUSTED) {
            assertEquals("untrusted", kinds.get(id), id + " in " + json.get("manifestProblems"));
        }
        assertFalse(kinds.containsKey("good"), "the good release has no problem");
        Set<String> damage = new HashSet<>();
        json.get("damage").forEach(d -> damage.add(d.get("release").asText() + " " + d.get("path").asText() + " " + d.get("problem").asText()));
        assertTrue(damage.contains(HostileContent.DAMAGED + " corrupt.txt CORRUPT"), damage.toString());
        assertTrue(damage.contains(HostileContent.DAMAGED + " missing.txt MISSING"), damage.toString());
        assertTrue(damage.contains(HostileContent.HUGE + " enormous.bin WRONG_SIZE"), damage.toString());
        assertTrue(damage.stream().noneMatch(d -> d.startsWith("good ")), damage.toString());
        assertTrue(json.get("releases").asInt() >= 1 + HostileContent.UNTRUSTED.size(), "the readable releases were checked: " + json);

        PublishCommandTest.Run text = run("verify", "--store", store);
        assertEquals(ErrorKind.DAMAGED.exitCode(), text.code());
        for (String id : HostileContent.ids()) {
            assertTrue(text.out().contains("release " + id + ":"), id + " reported:\n" + text.out());
        }
        assertTrue(text.out().lines().noneMatch(l -> l.contains("\0")), "no raw control characters printed");
        // The good release alone verifies.
        assertEquals(0, run("verify", "good", "--store", store).code());
    }

    @Test
    void gcRefusesWithOneLineNamingTheManifestAndDeletesNoBlob() throws Exception {
        List<String> blobsBefore = keys("blobs/");
        for (String[] args : List.of(new String[] {"gc", "--store", store, "--dry-run", "--json"},
                new String[] {"gc", "--store", store, "--keep-last", "1", "--keep-within", "0s", "--grace", "0s", "--force"})) {
            PublishCommandTest.Run r = run(args);
            assertEquals(ErrorKind.STORE_FAILED.exitCode(), r.code(), r.out() + r.err());
            String[] lines = r.err().strip().split("\n");
            assertEquals(1, lines.length, r.err());
            assertTrue(lines[0].startsWith("holdfast: store object ") && lines[0].contains(".json"), lines[0]);
        }
        assertEquals(blobsBefore, keys("blobs/"), "no blob deleted while a manifest cannot be read");
        for (String key : hostile.garbage().keySet()) {
            assertTrue(Files.exists(root.resolve(key)), key);
        }
    }

    private List<String> keys(String prefix) throws IOException {
        try (var walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(k -> k.startsWith(prefix)).sorted().toList();
        }
    }
}
