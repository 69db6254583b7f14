package io.holdfast.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.store.fs.FileSystemStore;
import io.holdfast.testing.ManualTimer;
import io.holdfast.testing.MutableClock;
import io.holdfast.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameworkManifestWriterTest {
    @TempDir
    Path tmp;

    @Test
    void writesNativePropshaftAndSprocketsManifestsThatRepublishIgnores() throws Exception {
        Path dir = Trees.write(tmp.resolve("public/assets"), Map.of("application.css", "a{}", "index.html", "x"));
        FileSystemStore store = new FileSystemStore(tmp.resolve("store"), true);
        Publisher p = new Publisher(store, PublishSettings.defaults().withPrefix("assets"), new MutableClock(Instant.EPOCH),
                new ManualTimer(), PublisherTest.NO_SLEEP, PublishListener.NONE);
        PublishResult r = p.publish(PublishRequest.of(dir, ReleaseId.of("1")));
        FrameworkManifestWriter w = new FrameworkManifestWriter(dir, "assets/");
        Files.writeString(dir.resolve(".sprockets-manifest-00000000000000000000000000000000.json"), "{}");
        for (FrameworkManifestWriter.Format f : FrameworkManifestWriter.Format.values()) {
            w.write(r.manifest(), f);
        }
        String served = r.manifest().assets().get(0).servedPath();
        assertTrue(served.startsWith("assets/application-"), served);
        String local = served.substring("assets/".length());

        JsonNode propshaft = Documents.mapper().readTree(dir.resolve(".manifest.json").toFile());
        assertEquals(local, propshaft.get("application.css").get("digested_path").asText());
        assertTrue(propshaft.get("application.css").get("integrity").asText().startsWith("sha256-"));

        JsonNode own = Documents.mapper().readTree(dir.resolve(".holdfast-manifest.json").toFile());
        assertEquals("1", own.get("release").asText());
        assertEquals(local, own.get("assets").get("application.css").get("path").asText());
        assertEquals(r.manifest().assets().get(0).integrity(), own.get("assets").get("application.css").get("integrity").asText());

        try (var files = Files.list(dir)) {
            var sprockets = files.filter(f -> f.getFileName().toString().startsWith(".sprockets-manifest-")).toList();
            assertEquals(1, sprockets.size(), "older sprockets manifests are removed");
            JsonNode s = Documents.mapper().readTree(sprockets.get(0).toFile());
            assertEquals(local, s.get("assets").get("application.css").asText());
            assertEquals("application.css", s.get("files").get(local).get("logical_path").asText());
            assertEquals(r.manifest().assets().get(0).digest().hex(), s.get("files").get(local).get("digest").asText());
        }
        // the written manifests are not part of the next publish of the same tree
        PublishResult again = p.publish(PublishRequest.of(dir, ReleaseId.of("1")));
        assertTrue(again.alreadyCommitted());
        assertFalse(again.manifest().assets().stream().anyMatch(a -> a.path().contains("manifest")));
    }
}
