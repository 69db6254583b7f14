package io.holdfast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.holdfast.error.ErrorKind;
import io.holdfast.manifest.Documents;
import io.holdfast.testing.Trees;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code holdfast publish} end to end through {@link Main#run}: output, exit codes, bad input. */
class PublishCommandTest {
    @TempDir
    Path tmp;

    /** One command's outcome. */
    record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return Documents.mapper().readTree(out);
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private String store() {
        return tmp.resolve("store").toString();
    }

    private Path site() {
        return Trees.write(tmp.resolve("site"), Trees.smallSite());
    }

    /** The failure is one line naming the culprit, the exit code is its kind's, and no release is visible. */
    private void assertRefused(Run r, ErrorKind kind, String mentions) {
        assertEquals(kind.exitCode(), r.code(), r.err());
        assertEquals("", r.out());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith("holdfast: "), lines[0]);
        assertTrue(lines[0].contains(mentions), lines[0] + " should mention " + mentions);
        assertFalse(Files.exists(tmp.resolve("store/releases")), "a release became visible");
    }

    @Test
    void publishesAndPrintsOneJsonDocument() throws Exception {
        Run r = run("publish", site().toString(), "--release", "1", "--store", store(), "--json", "--channel", "production");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals("1", j.get("release").asText());
        assertEquals(6, j.get("files").asInt());
        assertTrue(j.get("bytes").asLong() > 4000);
        assertEquals(j.get("blobs").asInt(), j.get("newBlobs").asInt());
        assertTrue(j.get("bytesUploaded").asLong() > 0);
        assertTrue(j.has("seconds"));
        assertEquals("production", j.get("channel").asText());

        Run again = run("publish", site().toString(), "--release", "2", "--store", store(), "--json");
        assertEquals(0, again.json().get("newBlobs").asInt());
        assertEquals(0, again.json().get("bytesUploaded").asInt());
    }

    @Test
    void autoReleaseNumbersAreTakenInTurnAndPrinted() throws Exception {
        Path dir = site();
        Run first = run("publish", dir.toString(), "--release", "auto", "--store", store());
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().startsWith("release 1 published: 6 files"), first.out());
        Trees.write(dir, Map.of("index.html", "v2"));
        Run second = run("publish", dir.toString(), "--release", "auto", "--store", store(), "--json");
        assertEquals("2", second.json().get("release").asText());
    }

    @Test
    void sameIdSameContentSucceedsAndDifferentContentIsRefused() throws Exception {
        Path dir = site();
        assertEquals(0, run("publish", dir.toString(), "--release", "7", "--store", store()).code());
        Run same = run("publish", dir.toString(), "--release", "7", "--store", store(), "--json");
        assertEquals(0, same.code());
        assertTrue(same.json().get("alreadyCommitted").asBoolean());
        Trees.write(dir, Map.of("index.html", "other"));
        Run other = run("publish", dir.toString(), "--release", "7", "--store", store());
        assertEquals(ErrorKind.RELEASE_CONFLICT.exitCode(), other.code());
        assertTrue(other.err().contains("index.html"), other.err());
    }

    @Test
    void aMissingDirectory() {
        assertRefused(run("publish", tmp.resolve("nope").toString(), "--release", "1", "--store", store()),
                ErrorKind.BAD_INPUT, "nope");
    }

    @Test
    void anEmptyDirectory() throws Exception {
        Files.createDirectories(tmp.resolve("empty"));
        assertRefused(run("publish", tmp.resolve("empty").toString(), "--release", "1", "--store", store()),
                ErrorKind.BAD_INPUT, "empty");
    }

    @Test
    void aSymlinkPointingOutside() throws Exception {
        Path dir = site();
        Files.createSymbolicLink(dir.resolve("css/evil.css"), Path.of("/etc/hostname"));
        assertRefused(run("publish", dir.toString(), "--release", "1", "--store", store()), ErrorKind.BAD_INPUT, "css/evil.css");
    }

    @Test
    void anInvalidReleaseIdOrChannelName() {
        Path dir = site();
        assertRefused(run("publish", dir.toString(), "--release", "../x", "--store", store()), ErrorKind.INVALID_NAME, "../x");
        assertRefused(run("publish", dir.toString(), "--release", "1", "--channel", "Prod!", "--store", store()),
                ErrorKind.INVALID_NAME, "Prod!");
    }

    @Test
    void badSettings() {
        Path dir = site();
        assertRefused(run("publish", dir.toString(), "--release", "1", "--store", store(), "--write-manifest", "yaml"),
                ErrorKind.USAGE, "yaml");
        assertRefused(run("publish", dir.toString(), "--release", "1", "--store", store(), "--brotli-quality", "12"),
                ErrorKind.USAGE, "brotli");
        assertRefused(run("publish", dir.toString(), "--release", "1", "--store", "ftp://x/y"), ErrorKind.USAGE, "ftp://x/y");
        assertEquals(ErrorKind.USAGE.exitCode(), run("publish", dir.toString(), "--store", store()).code(), "--release is required");
    }

    @Test
    void anUnreadableFile() throws Exception {
        Path dir = site();
        Path locked = dir.resolve("img/locked.png");
        Files.writeString(locked, "secret");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        String[] args = {"publish", dir.toString(), "--release", "1", "--store", store()};
        if (!"root".equals(System.getProperty("user.name"))) {
            assertRefused(run(args), ErrorKind.BAD_INPUT, "img/locked.png");
            return;
        }
        // root reads anything: run the command in a child JVM without the capabilities that bypass permissions
        Path setpriv = Path.of("/usr/bin/setpriv");
        assumeTrue(Files.isExecutable(setpriv), "running as root without setpriv: cannot make a file unreadable");
        List<String> cmd = new ArrayList<>(List.of(setpriv.toString(), "--bounding-set=-dac_override,-dac_read_search",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        String firstErrLine = err.lines().filter(l -> l.startsWith("holdfast: ")).findFirst().orElse(err);
        assertRefused(new Run(p.exitValue(), out, firstErrLine), ErrorKind.BAD_INPUT, "img/locked.png");
    }

    @Test
    void writesFrameworkManifestsIntoTheBuildOutput() throws Exception {
        Path dir = site();
        Run r = run("publish", dir.toString(), "--release", "1", "--store", store(), "--write-manifest", "json,propshaft",
                "--write-manifest", "sprockets", "--json");
        assertEquals(0, r.code(), r.err());
        r.json(); // stdout is still exactly one document
        assertTrue(Files.exists(dir.resolve(".manifest.json")));
        assertTrue(Files.exists(dir.resolve(".holdfast-manifest.json")));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().startsWith(".sprockets-manifest-")).count());
        }
        JsonNode own = Documents.mapper().readTree(dir.resolve(".holdfast-manifest.json").toFile());
        assertTrue(own.get("assets").get("css/app.css").get("integrity").asText().startsWith("sha256-"));
    }

    @Test
    void dryRunTouchesNoStore() throws Exception {
        Run r = run("publish", site().toString(), "--release", "auto", "--store", store(), "--dry-run", "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(6, r.json().get("files").asInt());
        assertTrue(r.json().get("dryRun").asBoolean());
        assertFalse(Files.exists(tmp.resolve("store")));
    }

    @Test
    void recordsSourceMetadata() throws Exception {
        run("publish", site().toString(), "--release", "1", "--store", store(), "--commit", "abc123", "--branch", "main");
        Run show = run("show", "1", "--store", store(), "--json");
        JsonNode m = show.json();
        assertEquals("abc123", m.get("source").get("commit").asText());
        assertEquals("main", m.get("source").get("branch").asText());
    }
}
