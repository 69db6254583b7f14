package io.holdfast.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceTreeTest {
    @TempDir
    Path tmp;

    private static HoldfastException bad(Path dir) {
        HoldfastException e = assertThrows(HoldfastException.class, () -> SourceTree.scan(dir, Set.of(), 2));
        assertEquals(ErrorKind.BAD_INPUT, e.kind(), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e;
    }

    @Test
    void listsFilesSortedWithTheirSizes() {
        Path dir = Trees.write(tmp.resolve("d"), Map.of("b/x.js", "12345", "a.css", "1", "b/a/y.png", ""));
        SourceTree t = SourceTree.scan(dir, Set.of(), 2);
        assertEquals(List.of("a.css", "b/a/y.png", "b/x.js"), t.files().stream().map(SourceFile::path).toList());
        assertEquals(6, t.totalBytes());
    }

    @Test
    void rejectsAMissingDirectory() {
        assertTrue(bad(tmp.resolve("nope")).getMessage().contains("does not exist"));
    }

    @Test
    void rejectsAFileInsteadOfADirectory() throws Exception {
        Path f = Files.writeString(tmp.resolve("f"), "x");
        assertTrue(bad(f).getMessage().contains("not a directory"));
    }

    @Test
    void rejectsAnEmptyDirectory() throws Exception {
        Files.createDirectories(tmp.resolve("empty/sub"));
        assertTrue(bad(tmp.resolve("empty")).getMessage().contains("no files"));
    }

    @Test
    void rejectsASymlinkPointingOutside() throws Exception {
        Path dir = Trees.write(tmp.resolve("d"), Map.of("a.css", "a"));
        Path outside = Files.writeString(tmp.resolve("secret.txt"), "s");
        Files.createSymbolicLink(dir.resolve("link.txt"), outside);
        HoldfastException e = bad(dir);
        assertTrue(e.getMessage().contains("link.txt") && e.getMessage().contains("outside"), e.getMessage());
    }

    @Test
    void rejectsADirectorySymlinkPointingOutside() throws Exception {
        Path dir = Trees.write(tmp.resolve("d"), Map.of("a.css", "a"));
        Trees.write(tmp.resolve("other"), Map.of("x.txt", "x"));
        Files.createSymbolicLink(dir.resolve("up"), Path.of("../other"));
        assertTrue(bad(dir).getMessage().contains("up"));
    }

    @Test
    void rejectsABrokenSymlink() throws Exception {
        Path dir = Trees.write(tmp.resolve("d"), Map.of("a.css", "a"));
        Files.createSymbolicLink(dir.resolve("dangling.js"), Path.of("missing.js"));
        assertTrue(bad(dir).getMessage().contains("dangling.js"));
    }

    @Test
    void rejectsASymlinkLoop() throws Exception {
        Path dir = Trees.write(tmp.resolve("d"), Map.of("a/b.css", "a"));
        Files.createSymbolicLink(dir.resolve("a/loop"), Path.of(".."));
        assertTrue(bad(dir).getMessage().contains("loop"));
    }

    @Test
    void followsSymlinksThatStayInside() throws Exception {
        Path dir = Trees.write(tmp.resolve("d"), Map.of("real/a.css", "a"));
        Files.createSymbolicLink(dir.resolve("alias.css"), Path.of("real/a.css"));
        Files.createSymbolicLink(dir.resolve("dirlink"), Path.of("real"));
        SourceTree t = SourceTree.scan(dir, Set.of(), 2);
        assertEquals(List.of("alias.css", "dirlink/a.css", "real/a.css"), t.files().stream().map(SourceFile::path).toList());
    }

    @Test
    void rejectsNamesNoUrlCanCarry() throws Exception {
        Path dir = Trees.write(tmp.resolve("d"), Map.of("a.css", "a"));
        Files.writeString(dir.resolve("back\\slash.js"), "x");
        assertTrue(bad(dir).getMessage().contains("backslash"));
    }

    @Test
    void leavesOutHoldfastsOwnOutputsAndExcludedDirectories() throws Exception {
        Path dir = Trees.write(tmp.resolve("d"), Map.of("a.css", "a", ".manifest.json", "{}",
                ".sprockets-manifest-0123abcd.json", "{}", ".holdfast-manifest.json", "{}", "sub/.manifest.json", "{}",
                "store/blobs/x", "x"));
        SourceTree t = SourceTree.scan(dir, Set.of(dir.resolve("store")), 2);
        assertEquals(List.of("a.css", "sub/.manifest.json"), t.files().stream().map(SourceFile::path).toList());
    }
}
