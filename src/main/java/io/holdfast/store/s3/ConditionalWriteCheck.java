package io.holdfast.store.s3;

import io.holdfast.error.ErrorKind;
import io.holdfast.manifest.Digest;
import io.holdfast.store.StoreException;
import io.holdfast.store.StoreKeys;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Makes sure the server enforces the two conditions every Holdfast protocol rests on, before anything relies on
 * them: {@code If-None-Match: *} must refuse to overwrite, and {@code If-Match} must refuse a stale ETag. Some
 * S3-compatible servers accept these headers and ignore them, which would turn every race into silent data loss,
 * so a store that does not refuse what it must is itself refused (STORE_UNSUPPORTED).
 *
 * <p>Cost: the probe takes eight requests on scratch keys. Every command opens the store, so a successful probe
 * leaves a marker object ({@value #MARKER} under the prefix) and later opens only read it: one GET, which also
 * proves the bucket exists and the credentials work. Delete the marker to probe again (e.g. after moving the
 * bucket to another server). Readers (forWriting=false) only read the marker and never probe or write.
 */
final class ConditionalWriteCheck {
    static final String MARKER = StoreKeys.RESERVED + "/conditional-writes-verified";
    private static final Logger log = LoggerFactory.getLogger(ConditionalWriteCheck.class);
    private static final String STALE_ETAG = "\"00000000000000000000000000000000\"";

    private final S3Client s3;
    private final S3Location location;
    private final S3Errors errors;

    ConditionalWriteCheck(S3Client s3, S3Location location, S3Errors errors) {
        this.s3 = s3;
        this.location = location;
        this.errors = errors;
    }

    void run(boolean forWriting) {
        String marker = location.objectKey(MARKER);
        try {
            s3.getObjectAsBytes(b -> b.bucket(location.bucket()).key(marker));
            return;
        } catch (SdkException e) {
            if (!S3Errors.isMissingObject(e)) {
                throw errors.map(e, "opening the store (GET " + MARKER + ")");
            }
        }
        if (forWriting) {
            probe();
            writeMarker(marker);
        }
    }

    private void probe() {
        String probe = location.objectKey(StoreKeys.RESERVED + "/probe-" + UUID.randomUUID());
        try {
            checkChecksumVerified(probe + "-checksum");
            String etag = put(probe, "first", "If-None-Match: *", b -> b.ifNoneMatch("*"));
            if (put(probe, "second", "If-None-Match: *", b -> b.ifNoneMatch("*")) != null) {
                throw unsupported("create-only writes: a PUT with If-None-Match: * overwrote an existing object");
            }
            if (put(probe, "third", "If-Match", b -> b.ifMatch(STALE_ETAG)) != null) {
                throw unsupported("compare-and-swap: a PUT with If-Match on a stale ETag overwrote the object");
            }
            if (put(probe, "fourth", "If-Match", b -> b.ifMatch(etag)) == null) {
                throw unsupported("compare-and-swap: a PUT with If-Match on the current ETag was refused");
            }
        } finally {
            deleteQuietly(probe);
        }
    }

    /** Uploads with a wrong SHA-256 must be refused; not fatal (Holdfast verifies what it reads), but said once. */
    private void checkChecksumVerified(String key) {
        byte[] body = "checksum probe".getBytes(StandardCharsets.UTF_8);
        try {
            s3.putObject(PutObjectRequest.builder().bucket(location.bucket()).key(key).ifNoneMatch("*")
                    .checksumSHA256(Digest.of(new byte[0]).base64()).build(), RequestBody.fromBytes(body));
            deleteQuietly(key);
            log.warn("event=s3_checksum_not_verified store={} detail=\"the server accepted an upload whose"
                    + " x-amz-checksum-sha256 did not match; uploads rely on TLS for integrity\"", location);
        } catch (SdkException e) {
            if (!S3Errors.isStatus(e, 400)) {
                throw errors.map(e, "checking conditional writes (PUT " + StoreKeys.RESERVED + "/probe)");
            }
        }
    }

    /**
     * @return the new ETag, or null when the server refused the condition (412, or 409 for a concurrent write)
     */
    private String put(String key, String content, String condition,
                       java.util.function.Consumer<PutObjectRequest.Builder> conditionSetter) {
        byte[] body = content.getBytes(StandardCharsets.UTF_8);
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(location.bucket()).key(key)
                .checksumSHA256(Digest.of(body).base64());
        conditionSetter.accept(request);
        try {
            return s3.putObject(request.build(), RequestBody.fromBytes(body)).eTag();
        } catch (SdkException e) {
            if (S3Errors.isStatus(e, 412) || S3Errors.isStatus(e, 409)) {
                return null;
            }
            if (S3Errors.isStatus(e, 501) || S3Errors.isStatus(e, 400)) {
                S3Exception s3e = (S3Exception) e;
                String code = S3Errors.code(s3e);
                throw unsupported(condition + " on PUT: it answered " + (code.isEmpty() ? "" : code + ", ")
                        + "HTTP " + s3e.statusCode());
            }
            throw errors.map(e, "checking conditional writes (PUT " + StoreKeys.RESERVED + "/probe)");
        }
    }

    private void writeMarker(String marker) {
        byte[] body = ("Holdfast checked that this server refuses PUTs with If-None-Match: * on an existing object"
                + " and with If-Match on a stale ETag. Delete this object to check again.\n").getBytes(StandardCharsets.UTF_8);
        try {
            s3.putObject(PutObjectRequest.builder().bucket(location.bucket()).key(marker).ifNoneMatch("*")
                    .checksumSHA256(Digest.of(body).base64()).contentType("text/plain").build(), RequestBody.fromBytes(body));
        } catch (SdkException e) {
            if (!S3Errors.isStatus(e, 412)) {
                throw errors.map(e, "checking conditional writes (PUT " + MARKER + ")");
            }
        }
    }

    private void deleteQuietly(String key) {
        try {
            s3.deleteObject(b -> b.bucket(location.bucket()).key(key));
        } catch (SdkException e) {
            log.warn("event=s3_probe_cleanup_failed store={} key={}", location, key);
        }
    }

    private StoreException unsupported(String what) {
        return errors.fail(ErrorKind.STORE_UNSUPPORTED, "checking conditional writes", "this S3 server does not enforce " + what
                + "; Holdfast needs conditional writes (AWS S3, MinIO and Cloudflare R2 document them; see docs/STORAGE.md)", false, null);
    }
}
