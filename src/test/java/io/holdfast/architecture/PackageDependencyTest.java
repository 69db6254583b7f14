package io.holdfast.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package dependency rules of the core module, written down and enforced. A package may import only the
 * Holdfast packages listed for it; everything else (JDK, libraries) is free. docs/DESIGN.md explains the layering.
 */
class PackageDependencyTest {
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("error", Set.of()),
            Map.entry("manifest", Set.of("error")),
            Map.entry("store", Set.of("error", "manifest")),
            Map.entry("store.fs", Set.of("error", "manifest", "store")),
            Map.entry("store.s3", Set.of("error", "manifest", "store")),
            Map.entry("config", Set.of("error", "manifest", "store", "store.fs", "store.s3")),
            Map.entry("fingerprint", Set.of("error", "manifest")),
            // Reading releases from a store: shared by publish, channels, verify, GC and the commands.
            Map.entry("catalog", Set.of("error", "manifest", "store")),
            Map.entry("channel", Set.of("error", "manifest", "store", "catalog")),
            Map.entry("verify", Set.of("error", "manifest", "store", "catalog")),
            // The lease side of the publish protocol (lease, GC gate, lease check): one implementation for every
            // writer that commits a manifest (publish, restore).
            Map.entry("lease", Set.of("error", "manifest", "store")),
            Map.entry("publish", Set.of("error", "manifest", "store", "catalog", "fingerprint", "channel", "lease")),
            // Retention is a pure function of documents: no store access, so it can be tested by table.
            Map.entry("retention", Set.of("error", "manifest")),
            // gc must not use publish: restore follows the protocol through lease alone.
            Map.entry("gc", Set.of("error", "manifest", "store", "catalog", "retention", "channel", "lease")));

    private static final Pattern PACKAGE = Pattern.compile("^package io\\.holdfast\\.([a-z0-9.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.holdfast\\.([a-z0-9.]+)\\.[A-Z]", Pattern.MULTILINE);

    @Test
    void corePackagesImportOnlyWhatTheirLayerAllows() throws IOException {
        Path sources = Path.of("main/java/io/holdfast");
        assertTrue(Files.isDirectory(sources), "run from the core module directory: " + sources.toAbsolutePath());
        List<String> violations = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        for (Path file : files) {
            String text = Files.readString(file);
            Matcher pm = PACKAGE.matcher(text);
            if (!pm.find()) {
                violations.add(file + ": no io.holdfast package");
                continue;
            }
            String pkg = pm.group(1);
            Set<String> allowed = ALLOWED.get(pkg);
            if (allowed == null) {
                violations.add(file + ": package io.holdfast." + pkg + " has no dependency rule; add one here");
                continue;
            }
            Matcher im = IMPORT.matcher(text);
            while (im.find()) {
                String dep = im.group(1);
                if (!dep.equals(pkg) && !allowed.contains(dep)) {
                    violations.add(file.getFileName() + ": io.holdfast." + pkg + " must not depend on io.holdfast." + dep);
                }
            }
        }
        assertEquals(List.of(), violations);
    }
}
