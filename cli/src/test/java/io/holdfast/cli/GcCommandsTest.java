package io.holdfast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.holdfast.error.ErrorKind;
import io.holdfast.manifest.Asset;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.manifest.Source;
import io.holdfast.store.Payload;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.fs.FileSystemStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gc, pin, unpin and restore commands, in-process against a filesystem store. */
class GcCommandsTest {
    @TempDir
    Path dir;
    Path storeDir;
    FileSystemStore store;

    record Result(int code, String out, String err) {
    }

    @BeforeEach
    void setUp() {
        storeDir = dir.resolve("store");
        store = new FileSystemStore(storeDir, true);
        for (int i = 1; i <= 3; i++) {
            commit(Integer.toString(i), "shared", "only-" + i);
        }
    }

    private void commit(String id, String... contents) {
        List<Asset> assets = new ArrayList<>();
        for (String c : contents) {
            byte[] bytes = c.getBytes(StandardCharsets.UTF_8);
            Digest d = Digest.of(bytes);
            store.putIfAbsent(StoreKeys.blob(d), Payload.ofBytes(bytes));
            assets.add(new Asset(c + ".txt", c + ".txt", d, bytes.length, "text/plain", d.integrity(), false, Map.of()));
        }
        ReleaseManifest m = new ReleaseManifest(ReleaseManifest.FORMAT, ReleaseId.of(id), Instant.now(), Source.NONE, assets);
        store.compareAndSwap(StoreKeys.release(m.id()), Documents.encode(m), Optional.empty());
    }

    private Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--store");
        all.add(storeDir.toString());
        int code = Main.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    private boolean exists(String key) {
        return store.head(key).isPresent();
    }

    @Test
    void dryRunJsonIsOneDocumentWithThePlanAndChangesNothing() throws Exception {
        Result r = run("gc", "--dry-run", "--json", "--keep-last", "1", "--keep-within", "0s", "--max-remove-fraction", "1");
        assertEquals(0, r.code(), r.err());
        JsonNode doc = Documents.mapper().readTree(r.out());
        assertTrue(doc.get("dryRun").asBoolean());
        assertEquals(3, doc.get("releases").size());
        assertEquals("keep", doc.get("releases").get(0).get("action").asText());
        assertEquals("newest 1", doc.get("releases").get(0).get("reasons").get(0).asText());
        assertEquals("retire", doc.get("releases").get(2).get("action").asText());
        assertEquals(2, doc.get("releaseActions").get("retire").asInt());
        assertTrue(exists(StoreKeys.release(ReleaseId.of("1"))), "a dry run retires nothing");
        assertFalse(exists(StoreKeys.GC_STATE), "a dry run does not even claim gc/state");
    }

    @Test
    void realRunPrintsWhatItDidAndASecondRunDoesNothing() {
        Result first = run("gc", "--keep-last", "1", "--keep-within", "0s", "--max-remove-fraction", "1", "--retire-for", "0s",
                "--grace", "0s");
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("2 retired"), first.out());
        assertTrue(first.out().matches("(?s).*retire\\s+1\\s+committed \\d+s ago; #3 by age; never served.*"), first.out());
        assertFalse(exists(StoreKeys.release(ReleaseId.of("1"))));
        Result second = run("gc", "--keep-last", "1", "--keep-within", "0s", "--retire-for", "0s", "--grace", "0s");
        assertEquals(0, second.code(), second.err());
        assertTrue(second.out().contains("2 tombstones deleted"), second.out());
        assertTrue(second.out().contains("deleted 0 blobs (0 B); 2 more"), second.out());
        Result third = run("gc", "--keep-last", "1", "--keep-within", "0s", "--retire-for", "0s", "--grace", "0s");
        assertTrue(third.out().contains("deleted 2 blobs"), third.out());
        Result fourth = run("gc", "--keep-last", "1", "--keep-within", "0s", "--retire-for", "0s", "--grace", "0s", "--json");
        assertTrue(fourth.out().contains("\"deleted\" : 0"), fourth.out());
    }

    @Test
    void configFileSetsThePolicyAndFlagsOverrideIt() throws Exception {
        Path props = Files.writeString(dir.resolve("gc.properties"), "keep-last=1\nkeep-within=0s\nmax-remove-fraction=100%\n");
        Result r = run("gc", "--dry-run", "--json", "--config", props.toString(), "--keep-last", "2");
        assertEquals(0, r.code(), r.err());
        JsonNode doc = Documents.mapper().readTree(r.out());
        assertEquals("2", doc.get("policy").get("keep-last").asText());
        assertEquals("0s", doc.get("policy").get("keep-within").asText());
        assertEquals(1, doc.get("releaseActions").get("retire").asInt());

        Path json = Files.writeString(dir.resolve("gc.json"), "{\"keep-last\": 3, \"grace\": \"2h\"}");
        JsonNode fromJson = Documents.mapper().readTree(run("gc", "--dry-run", "--json", "--config", json.toString()).out());
        assertEquals("3", fromJson.get("policy").get("keep-last").asText());
        assertEquals("2h", fromJson.get("policy").get("grace").asText());

        Path bad = Files.writeString(dir.resolve("bad.properties"), "keep-lats=1\n");
        Result unknown = run("gc", "--dry-run", "--config", bad.toString());
        assertEquals(ErrorKind.USAGE.exitCode(), unknown.code());
        assertTrue(unknown.err().contains("keep-lats") && unknown.err().contains("bad.properties"), unknown.err());
        Result badFlag = run("gc", "--dry-run", "--grace", "soon");
        assertEquals(ErrorKind.USAGE.exitCode(), badFlag.code());
        assertTrue(badFlag.err().contains("grace"), badFlag.err());
    }

    @Test
    void aPlanRemovingTooMuchIsRefusedWithItsOwnExitCode() {
        Result dry = run("gc", "--dry-run", "--keep-last", "1", "--keep-within", "0s");
        assertEquals(ErrorKind.GC_REFUSED.exitCode(), dry.code());
        assertTrue(dry.out().contains("Refused: the plan retires 2 of 3 live releases (67%)"), dry.out());
        Result real = run("gc", "--keep-last", "1", "--keep-within", "0s");
        assertEquals(ErrorKind.GC_REFUSED.exitCode(), real.code());
        assertTrue(real.err().startsWith("holdfast: gc refused: the plan retires 2 of 3"), real.err());
        assertTrue(exists(StoreKeys.release(ReleaseId.of("1"))));
        assertEquals(0, run("gc", "--keep-last", "1", "--keep-within", "0s", "--force").code());
        assertFalse(exists(StoreKeys.release(ReleaseId.of("1"))));
    }

    @Test
    void pinUnpinAndRestore() {
        assertEquals(0, run("gc", "--keep-last", "1", "--keep-within", "0s", "--force").code());
        Result restored = run("restore", "2");
        assertEquals(0, restored.code(), restored.err());
        assertEquals("restored release 2 (2 assets)\n", restored.out());
        assertTrue(exists(StoreKeys.release(ReleaseId.of("2"))));
        assertEquals(ErrorKind.NOT_FOUND.exitCode(), run("restore", "2").code());

        Result pin = run("pin", "1", "--reason", "incident 42");
        assertEquals(0, pin.code(), pin.err());
        assertTrue(pin.out().contains("is retired: the next gc restores it"), pin.out());
        Result gc = run("gc", "--dry-run", "--keep-last", "1", "--keep-within", "0s", "--force");
        assertTrue(gc.out().matches("(?s).*restore\\s+1\\s+pinned: incident 42.*"), gc.out());
        assertEquals(0, run("unpin", "1").code());
        Result again = run("unpin", "1");
        assertEquals(ErrorKind.NOT_FOUND.exitCode(), again.code());
        assertTrue(again.err().contains("not pinned"), again.err());
        assertEquals(ErrorKind.NOT_FOUND.exitCode(), run("pin", "nope").code());
        assertEquals(ErrorKind.INVALID_NAME.exitCode(), run("pin", "../x").code());
    }
}
