package io.holdfast.cli;

import static io.holdfast.cli.PublishCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.config.StoreConfig;
import io.holdfast.error.ErrorKind;
import io.holdfast.testing.S3TestServer;
import io.holdfast.testing.Trees;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;

/** {@code holdfast publish} to S3 through {@link Main#run}: success, and every store failure with its exit code. */
class PublishToS3CommandTest {
    @TempDir
    Path tmp;

    private static List<String> args(String uri, String endpoint, String secret, String... more) {
        List<String> a = new ArrayList<>(List.of(more));
        a.addAll(List.of("--store", uri, "--s3-endpoint", endpoint, "--s3-region", S3TestServer.REGION, "--s3-path-style",
                "--s3-access-key", S3TestServer.ACCESS_KEY, "--s3-secret-key", secret));
        return a;
    }

    private static PublishCommandTest.Run run(List<String> args) {
        return PublishCommandTest.run(args.toArray(String[]::new));
    }

    /** Objects a publish writes (blobs, leases, releases); the store's own probe marker does not count. */
    private static int objects(String bucket) {
        try (S3Client c = S3TestServer.shared().client()) {
            return (int) c.listObjectsV2(ListObjectsV2Request.builder().bucket(bucket).build()).contents().stream()
                    .filter(o -> o.key().matches(".*(blobs|leases|releases|channels|sequence)/.*")).count();
        }
    }

    @Test
    void publishesListsAndVerifiesOnS3() throws Exception {
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        S3TestServer s3 = S3TestServer.shared();
        StoreConfig c = s3.freshConfig();
        String endpoint = s3.endpoint().toString();
        PublishCommandTest.Run r = run(args(c.uri(), endpoint, S3TestServer.SECRET_KEY, "publish", dir.toString(),
                "--release", "auto", "--json", "--channel", "production"));
        assertEquals(0, r.code(), r.err());
        assertEquals("1", r.json().get("release").asText());
        PublishCommandTest.Run again = run(args(c.uri(), endpoint, S3TestServer.SECRET_KEY, "publish", dir.toString(),
                "--release", "auto", "--json"));
        assertEquals(0, again.json().get("newBlobs").asInt());
        assertEquals(0, run(args(c.uri(), endpoint, S3TestServer.SECRET_KEY, "verify")).code());
        PublishCommandTest.Run list = run(args(c.uri(), endpoint, S3TestServer.SECRET_KEY, "releases", "--json"));
        assertEquals(2, list.json().size());
    }

    private static void assertRefused(PublishCommandTest.Run r, ErrorKind kind) {
        assertEquals(kind.exitCode(), r.code(), r.err());
        assertEquals("", r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("holdfast: "), r.err());
    }

    @Test
    void aBucketThatDoesNotExist() {
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        S3TestServer s3 = S3TestServer.shared();
        PublishCommandTest.Run r = run(args("s3://no-such-bucket-here/site/", s3.endpoint().toString(), S3TestServer.SECRET_KEY,
                "publish", dir.toString(), "--release", "1"));
        assertRefused(r, ErrorKind.STORE_NOT_FOUND);
        assertTrue(r.err().contains("no-such-bucket-here"), r.err());
    }

    @Test
    void wrongCredentials() {
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        S3TestServer s3 = S3TestServer.shared();
        String bucket = s3.createBucket();
        PublishCommandTest.Run r = run(args("s3://" + bucket + "/site/", s3.endpoint().toString(), "not-the-secret",
                "publish", dir.toString(), "--release", "1"));
        assertRefused(r, ErrorKind.STORE_ACCESS_DENIED);
        assertEquals(0, objects(bucket), "nothing was written");
    }

    @Test
    void anUnreachableStore() throws Exception {
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        PublishCommandTest.Run r = run(args("s3://bucket/site/", "http://127.0.0.1:" + port, S3TestServer.SECRET_KEY,
                "publish", dir.toString(), "--release", "1"));
        assertRefused(r, ErrorKind.STORE_UNREACHABLE);
        assertTrue(r.err().contains("127.0.0.1:" + port), r.err());
    }

    @Test
    void badInputIsReportedAsSuchAndNothingIsWritten() throws Exception {
        S3TestServer s3 = S3TestServer.shared();
        StoreConfig c = s3.freshConfig();
        String bucket = c.uri().substring("s3://".length(), c.uri().indexOf('/', "s3://".length()));
        java.nio.file.Files.createDirectories(tmp.resolve("empty"));
        PublishCommandTest.Run r = run(args(c.uri(), s3.endpoint().toString(), S3TestServer.SECRET_KEY,
                "publish", tmp.resolve("empty").toString(), "--release", "1"));
        assertRefused(r, ErrorKind.BAD_INPUT);
        assertEquals(0, objects(bucket));
    }
}
