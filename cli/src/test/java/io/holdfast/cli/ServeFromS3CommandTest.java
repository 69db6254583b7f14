package io.holdfast.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.config.StoreConfig;
import io.holdfast.testing.S3TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code holdfast serve} of an S3 store as a real process: large blobs go to a disk cache of its own by default. */
class ServeFromS3CommandTest {

    @Test
    void largeBlobsOfS3AreCachedOnDiskByDefaultInADirectoryRemovedAtExit(@TempDir Path tmp) throws Exception {
        Path site = tmp.resolve("site");
        Files.createDirectories(site);
        Files.writeString(site.resolve("index.html"), "<!doctype html><p>s3");
        byte[] big = new byte[64 * 1024];
        new Random(7).nextBytes(big);
        Files.write(site.resolve("big.bin"), big);
        S3TestServer s3 = S3TestServer.shared();
        StoreConfig c = s3.freshConfig();
        List<String> store = List.of("--store", c.uri(), "--s3-endpoint", s3.endpoint().toString(), "--s3-region",
                S3TestServer.REGION, "--s3-path-style", "--s3-access-key", S3TestServer.ACCESS_KEY, "--s3-secret-key",
                S3TestServer.SECRET_KEY);
        List<String> publish = new ArrayList<>(List.of("publish", site.toString(), "--release", "1", "--channel", "production"));
        publish.addAll(store);
        PublishCommandTest.Run p = PublishCommandTest.run(publish.toArray(String[]::new));
        assertEquals(0, p.code(), p.err());
        List<String> show = new ArrayList<>(List.of("show", "1", "--json"));
        show.addAll(store);
        String servedPath = null;
        for (var a : PublishCommandTest.run(show.toArray(String[]::new)).json().get("assets")) {
            if (a.get("path").asText().equals("big.bin")) {
                servedPath = a.get("servedPath").asText();
            }
        }
        assertTrue(servedPath != null, "big.bin in the manifest");

        Path tmpdir = Files.createDirectories(tmp.resolve("java-tmp"));
        List<String> args = new ArrayList<>(List.of("serve", "--bind", "127.0.0.1", "--port", "0", "--admin-port", "0",
                "--max-cached-blob", "1k", "--no-access-report"));
        args.addAll(store);
        ProcessBuilder pb = ChildCommand.of(List.of("-Djava.io.tmpdir=" + tmpdir), args.toArray(String[]::new));
        pb.redirectError(tmp.resolve("stderr.txt").toFile());
        Process process = pb.start();
        try {
            URI base = ChildCommand.awaitServing(process, tmp.resolve("stderr.txt")).url();
            List<Path> dirs = list(tmpdir);
            assertEquals(1, dirs.size(), dirs.toString());
            Path cacheDir = dirs.get(0);
            assertTrue(cacheDir.getFileName().toString().startsWith("holdfast-disk-cache-"), cacheDir.toString());

            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 2; i++) {
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(base.resolve("/" + servedPath)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, r.statusCode());
                assertArrayEquals(big, r.body());
            }
            assertTrue(list(cacheDir).stream().anyMatch(f -> f.getFileName().toString().matches("[0-9a-f]{64}")),
                    "the blob is in the disk cache: " + list(cacheDir));

            process.destroy(); // SIGTERM: drain, then the directory goes
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "stopped after SIGTERM");
            assertFalse(Files.exists(cacheDir), "removed at exit: " + cacheDir);
        } finally {
            process.destroyForcibly();
        }
    }

    private static List<Path> list(Path dir) throws java.io.IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
