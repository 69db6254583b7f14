package io.holdfast.store.s3;

import com.google.common.collect.Lists;
import com.google.common.io.ByteStreams;
import io.holdfast.error.ErrorKind;
import io.holdfast.manifest.Digest;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ByteRange;
import io.holdfast.store.ConflictException;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.ObjectStream;
import io.holdfast.store.Payload;
import io.holdfast.store.PutOutcome;
import io.holdfast.store.StoreException;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A store under an S3 bucket and prefix (AWS S3 or any server that implements conditional writes).
 *
 * <ul>
 * <li>Create-only: {@code PUT} with {@code If-None-Match: *} and {@code x-amz-checksum-sha256} (the payload's
 *     digest, so the server rejects bytes that do not match it); 412 = the key exists. Large payloads go
 *     multipart ({@link MultipartUpload}).</li>
 * <li>Compare-and-swap: {@code PUT} with {@code If-Match: <etag>}, or {@code If-None-Match: *} for "must not
 *     exist"; 412, 409 (a concurrent conditional write) and 404 (the object went away) lose.</li>
 * <li>The version of an object is its ETag (quotes included, as {@code If-Match} wants it).</li>
 * </ul>
 * {@link #open} checks once per store that the server really enforces both conditions
 * ({@link ConditionalWriteCheck}). The SDK does not retry; {@code RetryingStore} does.
 */
public final class S3Store implements BlobStore {
    private final S3Client s3;
    private final SdkHttpClient http;
    private final S3Settings settings;
    private final S3Location location;
    private final S3Errors errors;
    private final String description;

    private S3Store(S3Clients.Built client, S3Settings settings) {
        this.s3 = client.s3();
        this.http = client.http();
        this.settings = settings;
        this.location = settings.location();
        this.description = location + settings.endpoint().map(e -> " at " + e).orElse("");
        this.errors = new S3Errors(description, settings.secretKey());
    }

    /**
     * Connects and checks the bucket is reachable with these credentials (one request).
     *
     * @param forWriting also make sure the server enforces conditional writes, probing it the first time
     * @throws StoreException STORE_UNREACHABLE, STORE_NOT_FOUND, STORE_ACCESS_DENIED or STORE_UNSUPPORTED
     */
    public static S3Store open(S3Settings settings, boolean forWriting) {
        S3Store store = new S3Store(S3Clients.build(settings), settings);
        try {
            new ConditionalWriteCheck(store.s3, store.location, store.errors).run(forWriting);
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    public S3Settings settings() {
        return settings;
    }

    /** The SDK client, for tests in this package that go behind the store's back. */
    S3Client client() {
        return s3;
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        String objectKey = location.objectKey(StoreKeys.requireValid(key));
        try {
            HeadObjectResponse r = s3.headObject(b -> b.bucket(location.bucket()).key(objectKey));
            return Optional.of(new ObjectInfo(key, r.contentLength(), r.lastModified(), r.eTag()));
        } catch (SdkException e) {
            if (S3Errors.isMissingObject(e)) {
                return Optional.empty();
            }
            throw errors.map(e, "HEAD " + key);
        }
    }

    @Override
    public Optional<ObjectStream> get(String key, ByteRange range) {
        String objectKey = location.objectKey(StoreKeys.requireValid(key));
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(location.bucket()).key(objectKey);
        if (range != null) {
            request.range("bytes=" + range.first() + "-" + range.last());
        }
        ResponseInputStream<GetObjectResponse> in;
        try {
            in = s3.getObject(request.build());
        } catch (SdkException e) {
            if (S3Errors.isStatus(e, 416) && range != null) {
                throw new IllegalArgumentException("range " + range.first() + "-" + range.last() + " is outside " + key);
            }
            if (S3Errors.isMissingObject(e)) {
                return Optional.empty();
            }
            throw errors.map(e, "GET " + key);
        }
        try {
            GetObjectResponse r = in.response();
            String contentRange = r.contentRange();
            long size = range == null || contentRange == null ? r.contentLength() : totalSize(contentRange, key);
            ObjectInfo info = new ObjectInfo(key, size, r.lastModified(), r.eTag());
            if (range == null) {
                return Optional.of(new ObjectStream(info, null, new ResponseBody(in, in, size)));
            }
            if (range.last() >= size) {
                throw new IllegalArgumentException("range " + range.first() + "-" + range.last() + " beyond size "
                        + size + " of " + key);
            }
            InputStream body = new ResponseBody(in, in, range.length());
            if (contentRange == null) {
                // The server ignored Range and sent the whole object: cut the range out ourselves.
                ByteStreams.skipFully(in, range.first());
                body = new ResponseBody(ByteStreams.limit(in, range.length()), in, range.length());
            }
            return Optional.of(new ObjectStream(info, range, body));
        } catch (IOException | RuntimeException e) {
            in.abort();
            closeQuietly(in);
            if (e instanceof IOException io) {
                throw errors.fail(ErrorKind.STORE_FAILED, "GET " + key, "reading the response failed: " + io, true, io);
            }
            throw (RuntimeException) e;
        }
    }

    @Override
    public Optional<Versioned> read(String key) {
        String objectKey = location.objectKey(StoreKeys.requireValid(key));
        try {
            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(b -> b.bucket(location.bucket()).key(objectKey));
            GetObjectResponse r = bytes.response();
            byte[] content = bytes.asByteArray();
            return Optional.of(new Versioned(content, new ObjectInfo(key, content.length, r.lastModified(), r.eTag())));
        } catch (SdkException e) {
            if (S3Errors.isMissingObject(e)) {
                return Optional.empty();
            }
            throw errors.map(e, "GET " + key);
        }
    }

    @Override
    public PutOutcome putIfAbsent(String key, Payload payload) {
        String objectKey = location.objectKey(StoreKeys.requireValid(key));
        if (payload.size() >= settings.multipartThreshold()) {
            return new MultipartUpload(s3, location, errors, settings.partSize()).upload(key, objectKey, payload, this::head);
        }
        PutObjectRequest request = PutObjectRequest.builder()
                .bucket(location.bucket())
                .key(objectKey)
                .ifNoneMatch("*")
                .checksumSHA256(payload.sha256().base64())
                .build();
        try {
            s3.putObject(request, payload.file() != null ? RequestBody.fromFile(payload.file())
                    : RequestBody.fromBytes(payload.bytes()));
            return PutOutcome.CREATED;
        } catch (SdkException e) {
            if (S3Errors.isStatus(e, 412)) {
                return PutOutcome.ALREADY_EXISTS;
            }
            if (S3Errors.isStatus(e, 409)) {
                // AWS: another conditional write of this key is in flight. Not "exists" yet: it may still fail.
                throw errors.fail(ErrorKind.STORE_FAILED, "PUT " + key,
                        "a concurrent upload of the same key is in progress (HTTP 409)", true, e);
            }
            throw errors.map(e, "PUT " + key);
        }
    }

    @Override
    public ObjectInfo compareAndSwap(String key, byte[] content, Optional<String> expectedVersion) {
        String objectKey = location.objectKey(StoreKeys.requireValid(key));
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(location.bucket())
                .key(objectKey)
                .checksumSHA256(Digest.of(content).base64());
        if (key.endsWith(".json")) {
            request.contentType("application/json");
        }
        expectedVersion.ifPresentOrElse(request::ifMatch, () -> request.ifNoneMatch("*"));
        PutObjectResponse response;
        try {
            response = s3.putObject(request.build(), RequestBody.fromBytes(content));
        } catch (SdkException e) {
            if (S3Errors.isStatus(e, 412) || S3Errors.isStatus(e, 409)
                    || (expectedVersion.isPresent() && S3Errors.isMissingObject(e))) {
                throw new ConflictException(key);
            }
            throw errors.map(e, "PUT " + key);
        }
        return new ObjectInfo(key, content.length, writtenAt(objectKey, response), response.eTag());
    }

    /**
     * The store's timestamp of a write we just made. The object's own Last-Modified is what everyone else sees
     * (listings, HEAD), so a lease's expiry computed by its writer and by GC agree: read it back with
     * {@code If-Match} on our ETag. If the object changed meanwhile, the response's Date header is the next best
     * store time (at or just after the write).
     */
    private Instant writtenAt(String objectKey, PutObjectResponse response) {
        try {
            return s3.headObject(b -> b.bucket(location.bucket()).key(objectKey).ifMatch(response.eTag())).lastModified();
        } catch (SdkException e) {
            return dateHeader(response.sdkHttpResponse()).orElseThrow(() -> errors.map(e, "HEAD " + objectKey));
        }
    }

    static Optional<Instant> dateHeader(SdkHttpResponse response) {
        return response.firstMatchingHeader("Date").flatMap(d -> {
            try {
                return Optional.of(ZonedDateTime.parse(d, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public void list(String prefix, Consumer<ObjectInfo> sink) {
        ListObjectsV2Request.Builder request = ListObjectsV2Request.builder()
                .bucket(location.bucket())
                .prefix(location.objectKey(prefix));
        String token = null;
        do {
            ListObjectsV2Response page;
            try {
                page = s3.listObjectsV2(request.continuationToken(token).build());
            } catch (SdkException e) {
                throw errors.map(e, "LIST " + (prefix.isEmpty() ? "(all)" : prefix));
            }
            for (S3Object o : page.contents()) {
                String key = location.storeKey(o.key());
                // Some servers list an object still being written without an ETag or time: it is not there yet.
                if (StoreKeys.isValid(key) && o.eTag() != null && o.lastModified() != null) {
                    sink.accept(new ObjectInfo(key, o.size(), o.lastModified(), o.eTag()));
                }
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
    }

    @Override
    public void delete(Collection<String> keys) {
        List<ObjectIdentifier> ids = new ArrayList<>(keys.size());
        for (String key : keys) {
            ids.add(ObjectIdentifier.builder().key(location.objectKey(StoreKeys.requireValid(key))).build());
        }
        for (List<ObjectIdentifier> batch : Lists.partition(ids, MAX_DELETE_BATCH)) {
            String what = "DELETE " + batch.size() + " keys from " + location.storeKey(batch.get(0).key());
            DeleteObjectsResponse response;
            try {
                response = s3.deleteObjects(b -> b.bucket(location.bucket())
                        .delete(Delete.builder().objects(batch).quiet(true).build()));
            } catch (SdkException e) {
                throw errors.map(e, what);
            }
            if (response.hasErrors() && !response.errors().isEmpty()) {
                S3Error first = response.errors().get(0);
                String code = String.valueOf(first.code());
                ErrorKind kind = code.equals("AccessDenied") ? ErrorKind.STORE_ACCESS_DENIED : ErrorKind.STORE_FAILED;
                boolean retryable = code.equals("InternalError") || code.equals("SlowDown");
                throw errors.fail(kind, what, response.errors().size() + " of " + batch.size() + " deletes failed, first "
                        + location.storeKey(first.key()) + ": " + code, retryable, null);
            }
        }
    }

    private static long totalSize(String contentRange, String key) {
        // "bytes first-last/total"
        int slash = contentRange.lastIndexOf('/');
        try {
            return Long.parseLong(contentRange.substring(slash + 1).trim());
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new StoreException(ErrorKind.STORE_FAILED, "unreadable Content-Range '" + contentRange + "' for " + key);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the stream is being abandoned after an error already reported
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        s3.close();
        http.close();
    }
}
