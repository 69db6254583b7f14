package io.holdfast.cli;

import static io.holdfast.cli.PublishCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.holdfast.error.ErrorKind;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.store.StoreKeys;
import io.holdfast.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** releases, show, verify, promote, rollback, channels through {@link Main#run}. */
class ReleaseCommandsTest {
    @TempDir
    Path tmp;

    private String store;

    @BeforeEach
    void twoReleases() {
        store = tmp.resolve("store").toString();
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        assertEquals(0, run("publish", dir.toString(), "--release", "1", "--store", store, "--channel", "production").code());
        Trees.write(dir, Map.of("index.html", "v2"));
        assertEquals(0, run("publish", dir.toString(), "--release", "2", "--store", store).code());
    }

    @Test
    void releasesListsIdsSizesAndChannels() throws Exception {
        PublishCommandTest.Run text = run("releases", "--store", store);
        assertEquals(0, text.code());
        String[] lines = text.out().strip().split("\n");
        assertEquals(3, lines.length, text.out());
        assertTrue(lines[0].startsWith("ID"));
        assertTrue(lines[1].startsWith("1 ") && lines[1].endsWith("production"), lines[1]);
        JsonNode json = run("releases", "--store", store, "--json").json();
        assertEquals(2, json.size());
        assertEquals("2", json.get(1).get("id").asText());
        assertEquals(6, json.get(1).get("files").asInt());
        assertEquals("production", json.get(0).get("channels").get(0).asText());
    }

    @Test
    void showPrintsTheManifestAsStored() throws Exception {
        PublishCommandTest.Run json = run("show", "1", "--store", store, "--json");
        assertEquals(0, json.code());
        byte[] stored = Files.readAllBytes(tmp.resolve("store").resolve(StoreKeys.release(ReleaseId.of("1"))));
        assertEquals(new String(stored, java.nio.charset.StandardCharsets.UTF_8).strip(), json.out().strip());
        PublishCommandTest.Run text = run("show", "1", "--store", store);
        assertTrue(text.out().contains("index.html (entry point)"), text.out());
        assertTrue(text.out().contains("channels  production"), text.out());
        assertEquals(ErrorKind.NOT_FOUND.exitCode(), run("show", "3", "--store", store).code());
        assertEquals(ErrorKind.STORE_NOT_FOUND.exitCode(), run("show", "1", "--store", tmp.resolve("nostore").toString()).code());
    }

    @Test
    void verifyFindsDamageAndExitsDamaged() throws Exception {
        PublishCommandTest.Run ok = run("verify", "--store", store);
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().startsWith("verified 2 releases"), ok.out());

        String manifest = run("show", "1", "--store", store, "--json").out();
        Matcher m = Pattern.compile("\"path\" : \"img/logo.png\"[^}]*?\"digest\" : \"([0-9a-f]{64})\"|\"digest\" : \"([0-9a-f]{64})\"[^}]*?\"path\" : \"img/logo.png\"")
                .matcher(manifest);
        assertTrue(m.find(), manifest);
        String digest = m.group(1) != null ? m.group(1) : m.group(2);
        Files.delete(tmp.resolve("store/blobs/sha256/" + digest.substring(0, 2) + "/" + digest));

        PublishCommandTest.Run damaged = run("verify", "--store", store);
        assertEquals(ErrorKind.DAMAGED.exitCode(), damaged.code());
        String[] lines = damaged.out().strip().split("\n");
        assertEquals(2, lines.length, damaged.out());
        assertTrue(Arrays.stream(lines).allMatch(l -> l.contains("img/logo.png") && l.contains("missing")), damaged.out());
        assertTrue(damaged.err().startsWith("holdfast: 2 damaged"), damaged.err());

        PublishCommandTest.Run one = run("verify", "2", "--store", store, "--json");
        assertEquals(ErrorKind.DAMAGED.exitCode(), one.code());
        assertEquals(1, one.json().get("damage").size());
        assertEquals("MISSING", one.json().get("damage").get(0).get("problem").asText());
    }

    @Test
    void promoteRollbackAndChannels() throws Exception {
        PublishCommandTest.Run p = run("promote", "2", "--channel", "production", "--store", store);
        assertEquals(0, p.code(), p.err());
        assertEquals("channel production: 1 → 2", p.out().strip());
        assertEquals("channel production is already at 2", run("promote", "2", "--channel", "production", "--store", store).out().strip());
        PublishCommandTest.Run stale = run("promote", "1", "--channel", "production", "--if-current", "1", "--store", store);
        assertEquals(ErrorKind.CONCURRENT_UPDATE.exitCode(), stale.code());
        assertEquals(ErrorKind.NOT_FOUND.exitCode(), run("promote", "9", "--channel", "production", "--store", store).code());

        PublishCommandTest.Run back = run("rollback", "--channel", "production", "--store", store, "--json");
        assertEquals(0, back.code(), back.err());
        assertEquals("1", back.json().get("to").asText());
        assertEquals("2", back.json().get("from").asText());

        PublishCommandTest.Run list = run("channels", "--store", store);
        assertTrue(list.out().lines().skip(1).findFirst().orElse("").matches("production\\s+1\\s+\\S+\\s+2"), list.out());
        JsonNode json = run("channels", "--store", store, "--json").json();
        assertEquals(3, json.get(0).get("history").size());
        assertEquals(ErrorKind.NOT_FOUND.exitCode(), run("rollback", "--channel", "staging", "--store", store).code());
        assertEquals(ErrorKind.INVALID_NAME.exitCode(), run("rollback", "--channel", "NOPE", "--store", store).code());
    }
}
