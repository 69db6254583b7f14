package io.holdfast.store.s3;

import io.holdfast.error.ErrorKind;
import io.holdfast.manifest.Digest;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.Payload;
import io.holdfast.store.PutOutcome;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * A create-only upload in parts, for payloads at or above the multipart threshold.
 *
 * <p>Create-only: S3 checks {@code If-None-Match: *} on CompleteMultipartUpload (AWS since 2024, MinIO); a 412
 * there means the key exists, and the parts are discarded. A server that ignores the header on completion
 * replaces the object with the same bytes: multipart is only used for content-addressed blobs, whose key is the
 * SHA-256 of the content, and the content is verified (each part's SHA-256 by the server, the whole digest by us
 * before completing), so such an overwrite is idempotent. A HEAD first skips the upload when the blob is there,
 * which is the common case for large unchanged files.
 *
 * <p>Integrity: each part carries {@code x-amz-checksum-sha256} of its bytes, which the server verifies; a SHA-256
 * of a multipart object is a checksum of part checksums, so the digest of the whole is checked here, while the
 * bytes are read, and a mismatch aborts before the object becomes visible.
 */
final class MultipartUpload {
    private static final Logger log = LoggerFactory.getLogger(MultipartUpload.class);
    private static final int MAX_PARTS = 10_000;

    private final S3Client s3;
    private final S3Location location;
    private final S3Errors errors;
    private final long partSize;

    MultipartUpload(S3Client s3, S3Location location, S3Errors errors, long partSize) {
        this.s3 = s3;
        this.location = location;
        this.errors = errors;
        this.partSize = partSize;
    }

    PutOutcome upload(String key, String objectKey, Payload payload, Function<String, Optional<ObjectInfo>> head) {
        if (head.apply(key).isPresent()) {
            return PutOutcome.ALREADY_EXISTS;
        }
        // S3 allows 10,000 parts: grow the parts for very large payloads.
        long size = Math.max(partSize, (payload.size() + MAX_PARTS - 1) / MAX_PARTS);
        byte[] buffer = new byte[(int) Math.min(size, Math.max(payload.size(), 1))];
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(b -> b.bucket(location.bucket()).key(objectKey)
                    .checksumAlgorithm(ChecksumAlgorithm.SHA256)).uploadId();
        } catch (SdkException e) {
            throw errors.map(e, "CreateMultipartUpload " + key);
        }
        boolean completed = false;
        try (InputStream in = payload.open()) {
            MessageDigest whole = sha256();
            List<CompletedPart> parts = new ArrayList<>();
            long total = 0;
            for (int number = 1; ; number++) {
                int length = in.readNBytes(buffer, 0, buffer.length);
                if (length == 0 && number > 1) {
                    break;
                }
                whole.update(buffer, 0, length);
                total += length;
                parts.add(uploadPart(key, objectKey, uploadId, number, buffer, length));
                if (length < buffer.length) {
                    break;
                }
            }
            Digest actual = Digest.ofBytes(whole.digest());
            if (!actual.equals(payload.sha256()) || total != payload.size()) {
                throw errors.fail(ErrorKind.STORE_FAILED, "multipart PUT " + key, "content changed while uploading: expected sha256 "
                        + payload.sha256() + " (" + payload.size() + " bytes) but read " + actual + " (" + total + " bytes)"
                        + (payload.file() != null ? " from " + payload.file() : ""), false, null);
            }
            PutOutcome outcome = complete(key, objectKey, uploadId, parts);
            completed = outcome == PutOutcome.CREATED;
            return outcome;
        } catch (IOException e) {
            throw errors.fail(ErrorKind.STORE_FAILED, "multipart PUT " + key, "cannot read "
                    + (payload.file() != null ? payload.file() : "the payload") + ": " + e, false, e);
        } finally {
            if (!completed) {
                abort(key, objectKey, uploadId);
            }
        }
    }

    private CompletedPart uploadPart(String key, String objectKey, String uploadId, int number, byte[] buffer, int length) {
        String checksum = Base64.getEncoder().encodeToString(sha256(buffer, length));
        try {
            UploadPartResponse r = s3.uploadPart(b -> b.bucket(location.bucket()).key(objectKey).uploadId(uploadId)
                            .partNumber(number).contentLength((long) length).checksumSHA256(checksum),
                    RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, length), length,
                            "application/octet-stream"));
            return CompletedPart.builder().partNumber(number).eTag(r.eTag()).checksumSHA256(checksum).build();
        } catch (SdkException e) {
            throw errors.map(e, "UploadPart " + number + " of " + key);
        }
    }

    private PutOutcome complete(String key, String objectKey, String uploadId, List<CompletedPart> parts) {
        try {
            s3.completeMultipartUpload(b -> b.bucket(location.bucket()).key(objectKey).uploadId(uploadId)
                    .ifNoneMatch("*")
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
            return PutOutcome.CREATED;
        } catch (SdkException e) {
            if (S3Errors.isStatus(e, 412)) {
                return PutOutcome.ALREADY_EXISTS;
            }
            if (S3Errors.isStatus(e, 409)) {
                throw errors.fail(ErrorKind.STORE_FAILED, "CompleteMultipartUpload " + key,
                        "a concurrent upload of the same key is in progress (HTTP 409)", true, e);
            }
            throw errors.map(e, "CompleteMultipartUpload " + key);
        }
    }

    /** Best effort: a leftover upload costs storage until a bucket lifecycle rule aborts it (docs/STORAGE.md). */
    private void abort(String key, String objectKey, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(location.bucket()).key(objectKey).uploadId(uploadId));
        } catch (SdkException e) {
            log.warn("event=multipart_abort_failed key={} upload={} error={}", key, uploadId,
                    errors.redact(String.valueOf(e.getMessage())));
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] buffer, int length) {
        MessageDigest md = sha256();
        md.update(buffer, 0, length);
        return md.digest();
    }
}
