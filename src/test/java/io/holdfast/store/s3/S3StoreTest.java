package io.holdfast.store.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.config.StoreConfig;
import io.holdfast.config.StoreFactory;
import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Digest;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.Payload;
import io.holdfast.store.PutOutcome;
import io.holdfast.store.StoreException;
import io.holdfast.testing.S3TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** S3-specific behaviour on a real S3 server in this JVM: the open-time check, prefixes, multipart details. */
class S3StoreTest {
    private final S3TestServer server = S3TestServer.shared();

    @Test
    void openingForWritingVerifiesConditionalWritesOnceAndLeavesAMarker() {
        StoreConfig config = server.freshConfig();
        String bucket = S3Location.parse(config.uri()).bucket();
        try (S3Store store = S3Store.open(server.settings(config), true)) {
            assertTrue(objectKeys(bucket).contains("store/" + ConditionalWriteCheck.MARKER));
            assertEquals(List.of("store/" + ConditionalWriteCheck.MARKER), objectKeys(bucket), "probe objects cleaned up");
            List<ObjectInfo> listed = new ArrayList<>();
            store.list("", listed::add);
            assertEquals(List.of(), listed, "the marker is not a store key");
        }
        try (S3Store again = S3Store.open(server.settings(config), true)) {
            assertEquals(List.of("store/" + ConditionalWriteCheck.MARKER), objectKeys(bucket));
        }
    }

    @Test
    void openingForReadingWritesNothing() {
        StoreConfig config = server.freshConfig();
        try (S3Store store = S3Store.open(server.settings(config), false)) {
            assertEquals(List.of(), objectKeys(S3Location.parse(config.uri()).bucket()));
            assertTrue(store.head("releases/1.json").isEmpty());
        }
    }

    @Test
    void serverThatIgnoresIfNoneMatchIsRefused() throws Exception {
        StoreException e = openBehindProxy(Set.of("if-none-match"));
        assertEquals(ErrorKind.STORE_UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().contains("If-None-Match"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void serverThatIgnoresIfMatchIsRefused() throws Exception {
        StoreException e = openBehindProxy(Set.of("if-match"));
        assertEquals(ErrorKind.STORE_UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().contains("compare-and-swap"), e.getMessage());
    }

    private StoreException openBehindProxy(Set<String> dropped) throws Exception {
        try (S3TestServer lax = S3TestServer.startTransientWithoutSignatureChecks();
             HeaderStrippingProxy proxy = new HeaderStrippingProxy(lax.endpoint(), dropped)) {
            String bucket = lax.createBucket();
            StoreConfig config = new StoreConfig("s3://" + bucket + "/p", Optional.of(proxy.endpoint().toString()),
                    Optional.of("us-east-1"), true, Optional.of("a"), Optional.of("b"));
            StoreException e = assertThrows(StoreException.class, () -> S3Store.open(StoreFactory.s3Settings(config), true));
            try (S3Store reader = S3Store.open(StoreFactory.s3Settings(config), false)) {
                assertTrue(reader.head("releases/1.json").isEmpty(), "reading needs no conditional writes");
            }
            try (S3Client raw = lax.client()) {
                assertTrue(raw.listObjectsV2(b -> b.bucket(bucket)).contents().stream()
                        .noneMatch(o -> o.key().contains("conditional-writes-verified")), "no marker for a refused server");
            }
            return e;
        }
    }

    /**
     * Over plain http the SDK signs upload bodies; Holdfast has it sign each body whole (its SHA-256 in
     * x-amz-content-sha256), as rclone does, not chunk by chunk with aws-chunked framing, which cost more CPU.
     */
    @Test
    void uploadsOverHttpSignTheWholeBodyNotChunkByChunk() throws Exception {
        try (S3TestServer lax = S3TestServer.startTransientWithoutSignatureChecks();
             HeaderStrippingProxy proxy = new HeaderStrippingProxy(lax.endpoint(), Set.of())) {
            String bucket = lax.createBucket();
            StoreConfig config = new StoreConfig("s3://" + bucket + "/p", Optional.of(proxy.endpoint().toString()),
                    Optional.of("us-east-1"), true, Optional.of("a"), Optional.of("b"));
            byte[] body = new byte[300 * 1024]; // several of the SDK's 128 KiB signing chunks
            new Random(3).nextBytes(body);
            try (S3Store store = S3Store.open(StoreFactory.s3Settings(config), true)) {
                assertEquals(PutOutcome.CREATED, store.putIfAbsent("blobs/whole", Payload.ofBytes(body)));
                assertArrayEquals(body, store.read("blobs/whole").orElseThrow().content());
            }
            String put = proxy.seen().stream().filter(r -> r.startsWith("PUT ") && r.contains("blobs/whole"))
                    .findFirst().orElseThrow();
            assertTrue(put.contains("x-amz-content-sha256=" + Digest.of(body).hex()), put);
            assertFalse(put.contains("aws-chunked"), put);
        }
    }

    @Test
    void storesUnderDifferentPrefixesOfOneBucketAreSeparate() {
        String bucket = server.createBucket();
        try (S3Store a = S3Store.open(server.settings(server.config(bucket, "team-a")), true);
             S3Store b = S3Store.open(server.settings(server.config(bucket, "team-b/")), true);
             S3Store root = S3Store.open(server.settings(server.config(bucket, "")), true)) {
            a.putIfAbsent("releases/1.json", Payload.ofBytes(bytes("a")));
            assertTrue(b.head("releases/1.json").isEmpty());
            assertEquals(PutOutcome.CREATED, b.putIfAbsent("releases/1.json", Payload.ofBytes(bytes("b"))));
            assertTrue(objectKeys(bucket).containsAll(List.of("team-a/releases/1.json", "team-b/releases/1.json")));
            List<String> underRoot = new ArrayList<>();
            root.list("team-", o -> underRoot.add(o.key()));
            assertEquals(List.of("team-a/releases/1.json", "team-b/releases/1.json"), underRoot,
                    "another store's marker is not listed either");
        }
    }

    @Test
    void multipartCompletionOverAnExistingKeyNeverChangesItsBytes() throws Exception {
        try (S3Store store = S3Store.open(server.settings(server.freshConfig())
                .withMultipart(S3Settings.MIN_PART_SIZE, S3Settings.MIN_PART_SIZE), true)) {
            byte[] content = new byte[(int) S3Settings.MIN_PART_SIZE + 100];
            new Random(7).nextBytes(content);
            Payload payload = Payload.ofBytes(content);
            assertEquals(PutOutcome.CREATED, store.putIfAbsent("blobs/big", payload));
            ObjectInfo before = store.head("blobs/big").orElseThrow();
            // A writer that raced past the existence check: completion itself must not clobber the object.
            MultipartUpload racing = new MultipartUpload(clientOf(store), store.settings().location(),
                    new S3Errors("test", Optional.empty()), S3Settings.MIN_PART_SIZE);
            PutOutcome outcome = racing.upload("blobs/big", store.settings().location().objectKey("blobs/big"),
                    payload, key -> Optional.empty());
            assertEquals(PutOutcome.ALREADY_EXISTS, outcome, "S3Proxy honours If-None-Match on completion");
            assertEquals(before, store.head("blobs/big").orElseThrow());
            try (S3Client raw = server.client()) {
                assertEquals(0, raw.listMultipartUploads(b -> b.bucket(store.settings().location().bucket()))
                        .uploads().size(), "the losing upload was aborted");
            }
        }
    }

    @Test
    void failedMultipartUploadLeavesNoPartsBehind() {
        try (S3Store store = S3Store.open(server.settings(server.freshConfig())
                .withMultipart(S3Settings.MIN_PART_SIZE, S3Settings.MIN_PART_SIZE), true)) {
            byte[] content = new byte[(int) S3Settings.MIN_PART_SIZE * 2 + 1];
            Payload lying = new Payload(null, content, content.length, Digest.of(bytes("other")));
            StoreException e = assertThrows(StoreException.class, () -> store.putIfAbsent("blobs/bad", lying));
            assertTrue(e.getMessage().contains("multipart PUT blobs/bad: content changed while uploading"), e.getMessage());
            try (S3Client raw = server.client()) {
                assertEquals(0, raw.listMultipartUploads(b -> b.bucket(store.settings().location().bucket()))
                        .uploads().size());
            }
        }
    }

    @Test
    void compareAndSwapReportsTheObjectsOwnTimestamp() {
        try (S3Store store = server.freshStore()) {
            ObjectInfo written = store.compareAndSwap("leases/p.json", bytes("{}"), Optional.empty());
            try (S3Client raw = server.client()) {
                S3Object listed = raw.listObjectsV2(b -> b.bucket(store.settings().location().bucket())
                        .prefix("store/leases/")).contents().get(0);
                assertEquals(listed.lastModified(), written.lastModified(), "what GC sees when it lists leases");
                assertEquals(listed.eTag(), written.version());
            }
        }
    }

    @Test
    void parsesStoreUris() {
        assertEquals(new S3Location("bucket", ""), S3Location.parse("s3://bucket"));
        assertEquals(new S3Location("bucket", ""), S3Location.parse("s3://bucket/"));
        assertEquals(new S3Location("my.bucket-1", "a/b/"), S3Location.parse("s3://my.bucket-1/a/b"));
        assertEquals(new S3Location("bucket", "a/b/"), S3Location.parse("s3://bucket/a/b/"));
        for (String bad : List.of("s3://", "s3://B", "s3://ab", "s3://bucket//x", "s3://bucket/x?y", "s3://user@host/x")) {
            HoldfastException e = assertThrows(HoldfastException.class, () -> S3Location.parse(bad), bad);
            assertEquals(ErrorKind.USAGE, e.kind());
        }
    }

    @Test
    void settingsNeverShowTheSecret() {
        StoreConfig config = new StoreConfig("s3://bucket/p", Optional.of("http://localhost:9000"), Optional.empty(),
                false, Optional.of("AKIAEXAMPLE"), Optional.of("very-secret-value"));
        S3Settings settings = StoreFactory.s3Settings(config);
        assertFalse(settings.toString().contains("very-secret-value"));
        assertFalse(config.toString().contains("very-secret-value"));
        assertTrue(settings.pathStyle(), "localhost needs path-style URLs");
        HoldfastException half = assertThrows(HoldfastException.class, () -> StoreFactory.s3Settings(new StoreConfig(
                "s3://bucket/p", Optional.empty(), Optional.of("eu-west-1"), false, Optional.of("AKIA"), Optional.empty())));
        assertEquals(ErrorKind.USAGE, half.kind());
        assertEquals(ErrorKind.USAGE, assertThrows(HoldfastException.class, () -> StoreFactory.s3Settings(new StoreConfig(
                "s3://bucket/p", Optional.of("localhost:9000"), Optional.empty(), false, Optional.empty(),
                Optional.empty()))).kind());
    }

    private List<String> objectKeys(String bucket) {
        try (S3Client raw = server.client()) {
            return raw.listObjectsV2(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).toList();
        }
    }

    private static S3Client clientOf(S3Store store) {
        return store.client();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
