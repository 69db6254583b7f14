package io.holdfast.store.s3;

import io.holdfast.error.ErrorKind;
import io.holdfast.store.StoreException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns SDK exceptions into {@link StoreException}s with an {@link ErrorKind}, a retryable flag and a one-line
 * message that names the store and the key, never the secret key or request signatures.
 */
final class S3Errors {
    private static final Set<String> DENIED = Set.of("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch",
            "ExpiredToken", "InvalidToken", "TokenRefreshRequired", "AllAccessDisabled", "AccountProblem",
            "InvalidSecurity", "AuthorizationHeaderMalformed", "InvalidObjectState");
    private static final Set<String> TRANSIENT = Set.of("SlowDown", "InternalError", "ServiceUnavailable",
            "RequestTimeout", "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequests",
            "OperationAborted");
    private static final Set<String> DIGEST = Set.of("BadDigest", "InvalidDigest", "XAmzContentSHA256Mismatch",
            "XAmzContentChecksumMismatch");

    private final String store;
    private final Optional<String> secret;

    S3Errors(String store, Optional<String> secret) {
        this.store = store;
        this.secret = secret;
    }

    /** The S3 error code of a response ({@code NoSuchKey}, {@code PreconditionFailed}...), or "" (e.g. HEAD). */
    static String code(S3Exception e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "" : e.awsErrorDetails().errorCode();
    }

    static boolean isStatus(SdkException e, int status) {
        return e instanceof S3Exception s3 && s3.statusCode() == status;
    }

    /** A 404 for the object itself, as opposed to a missing bucket. */
    static boolean isMissingObject(SdkException e) {
        return e instanceof S3Exception s3 && s3.statusCode() == 404 && !"NoSuchBucket".equals(code(s3));
    }

    /**
     * @param what the request, e.g. {@code "PUT blobs/sha256/ab/ab12…"}
     */
    StoreException map(SdkException e, String what) {
        if (e instanceof S3Exception s3) {
            return mapResponse(s3, what);
        }
        return mapClient(e, what);
    }

    private StoreException mapResponse(S3Exception e, String what) {
        String code = code(e);
        int status = e.statusCode();
        String detail = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        String id = code.isEmpty() ? "HTTP " + status : code + ", HTTP " + status;
        if ("NoSuchBucket".equals(code)) {
            return fail(ErrorKind.STORE_NOT_FOUND, what, "bucket does not exist (" + id + ")", false, e);
        }
        if ("InvalidAccessKeyId".equals(code)) {
            return fail(ErrorKind.STORE_ACCESS_DENIED, what, "the server does not know this access key (" + id
                    + "); check --s3-access-key/HOLDFAST_S3_ACCESS_KEY or the AWS credentials", false, e);
        }
        if ("SignatureDoesNotMatch".equals(code)) {
            return fail(ErrorKind.STORE_ACCESS_DENIED, what, "the secret key does not match the access key (" + id
                    + "); check --s3-secret-key/HOLDFAST_S3_SECRET_KEY or the AWS credentials", false, e);
        }
        if ("AuthorizationHeaderMalformed".equals(code) || status == 301 || "PermanentRedirect".equals(code)) {
            return fail(ErrorKind.STORE_NOT_FOUND, what, "the bucket is not served at this endpoint or region (" + id
                    + "); check --s3-region/HOLDFAST_S3_REGION and --s3-endpoint", false, e);
        }
        if (status == 403 || DENIED.contains(code)) {
            return fail(ErrorKind.STORE_ACCESS_DENIED, what, "access denied (" + id
                    + "); the credentials lack a permission docs/STORAGE.md lists", false, e);
        }
        if (DIGEST.contains(code)) {
            return fail(ErrorKind.STORE_FAILED, what, "the server received bytes that do not match their SHA-256 (" + id
                    + "); the file changed during upload or was corrupted in transit", false, e);
        }
        if (status == 501 || "NotImplemented".equals(code)) {
            return fail(ErrorKind.STORE_UNSUPPORTED, what, "the server does not implement this request (" + id + ")"
                    + (detail == null ? "" : ": " + detail), false, e);
        }
        if (status >= 500 || status == 429 || TRANSIENT.contains(code)) {
            return fail(ErrorKind.STORE_FAILED, what, "server error (" + id + ")", true, e);
        }
        return fail(ErrorKind.STORE_FAILED, what, "request refused (" + id + ")" + (detail == null ? "" : ": " + detail),
                false, e);
    }

    private StoreException mapClient(SdkException e, String what) {
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return fail(ErrorKind.STORE_UNREACHABLE, what, "timed out", true, e);
        }
        Throwable cause = rootIo(e);
        if (cause instanceof SSLHandshakeException) {
            return fail(ErrorKind.STORE_UNREACHABLE, what, "TLS handshake failed: " + cause.getMessage(), false, e);
        }
        if (cause instanceof UnknownHostException) {
            return fail(ErrorKind.STORE_UNREACHABLE, what, "unknown host " + cause.getMessage(), true, e);
        }
        if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
            return fail(ErrorKind.STORE_UNREACHABLE, what, "cannot connect (" + cause.getMessage() + ")", true, e);
        }
        if (cause instanceof SocketTimeoutException || cause instanceof InterruptedIOException) {
            return fail(ErrorKind.STORE_UNREACHABLE, what, "timed out (" + cause.getMessage() + ")", true, e);
        }
        if (cause instanceof IOException) {
            return fail(ErrorKind.STORE_FAILED, what, "connection failed (" + cause + ")", true, e);
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("credentials")) {
            return fail(ErrorKind.STORE_ACCESS_DENIED, what, "no S3 credentials found: set --s3-access-key and"
                    + " --s3-secret-key (or HOLDFAST_S3_ACCESS_KEY and HOLDFAST_S3_SECRET_KEY) or configure the AWS"
                    + " default credential chain", false, e);
        }
        return fail(ErrorKind.STORE_FAILED, what, "request failed: " + message, e.retryable(), e);
    }

    /** The innermost IOException in the cause chain (the SDK wraps them once or twice). */
    private static Throwable rootIo(Throwable e) {
        Throwable found = null;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof IOException) {
                found = t;
            }
        }
        return found;
    }

    /** "{store}: {what}: {problem}", one line, secret removed. */
    StoreException fail(ErrorKind kind, String what, String problem, boolean retryable, Throwable cause) {
        return new StoreException(kind, redact(store + ": " + what + ": " + problem), retryable, cause);
    }

    /** Belt and braces: no message ever carries the secret, whatever a server echoes back. */
    String redact(String message) {
        String oneLine = message.replaceAll("\\s*[\\r\\n]+\\s*", " ");
        return secret.filter(s -> s.length() >= 4).map(s -> oneLine.replace(s, "***")).orElse(oneLine);
    }
}
