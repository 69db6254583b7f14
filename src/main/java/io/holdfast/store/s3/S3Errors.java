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
            return fail(ErrorKind.STORE_NOT_FOUND, "bucket does not exist (" + id + ") at " + what, false, e);
        }
        if ("InvalidAccessKeyId".equals(code)) {
            return fail(ErrorKind.STORE_ACCESS_DENIED, "the server does not know this access key (" + id + ") at " + what
                    + "; check --s3-access-key/HOLDFAST_S3_ACCESS_KEY or the AWS credentials", false, e);
        }
        if ("SignatureDoesNotMatch".equals(code)) {
            return fail(ErrorKind.STORE_ACCESS_DENIED, "the secret key does not match the access key (" + id + ") at "
                    + what + "; check --s3-secret-key/HOLDFAST_S3_SECRET_KEY or the AWS credentials", false, e);
        }
        if ("AuthorizationHeaderMalformed".equals(code) || status == 301 || "PermanentRedirect".equals(code)) {
            return fail(ErrorKind.STORE_NOT_FOUND, "the bucket is not served at this endpoint or region (" + id + ") at "
                    + what + "; check --s3-region/HOLDFAST_S3_REGION and --s3-endpoint", false, e);
        }
        if (status == 403 || DENIED.contains(code)) {
            return fail(ErrorKind.STORE_ACCESS_DENIED, "access denied (" + id + ") at " + what
                    + "; the credentials lack a permission docs/STORAGE.md lists", false, e);
        }
        if (DIGEST.contains(code)) {
            return fail(ErrorKind.STORE_FAILED, "the server received bytes that do not match their SHA-256 (" + id
                    + ") at " + what + "; the file changed during upload or was corrupted in transit", false, e);
        }
        if (status == 501 || "NotImplemented".equals(code)) {
            return fail(ErrorKind.STORE_UNSUPPORTED, "the server does not implement a request Holdfast needs (" + id
                    + ") at " + what + (detail == null ? "" : ": " + detail), false, e);
        }
        if (status >= 500 || status == 429 || TRANSIENT.contains(code)) {
            return fail(ErrorKind.STORE_FAILED, "server error (" + id + ") at " + what, true, e);
        }
        return fail(ErrorKind.STORE_FAILED, "request refused (" + id + ") at " + what
                + (detail == null ? "" : ": " + detail), false, e);
    }

    private StoreException mapClient(SdkException e, String what) {
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return fail(ErrorKind.STORE_UNREACHABLE, "timed out at " + what, true, e);
        }
        Throwable cause = rootIo(e);
        if (cause instanceof SSLHandshakeException) {
            return fail(ErrorKind.STORE_UNREACHABLE, "TLS handshake failed at " + what + ": " + cause.getMessage(), false, e);
        }
        if (cause instanceof UnknownHostException) {
            return fail(ErrorKind.STORE_UNREACHABLE, "unknown host " + cause.getMessage() + " at " + what, true, e);
        }
        if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
            return fail(ErrorKind.STORE_UNREACHABLE, "cannot connect (" + cause.getMessage() + ") at " + what, true, e);
        }
        if (cause instanceof SocketTimeoutException || cause instanceof InterruptedIOException) {
            return fail(ErrorKind.STORE_UNREACHABLE, "timed out (" + cause.getMessage() + ") at " + what, true, e);
        }
        if (cause instanceof IOException) {
            return fail(ErrorKind.STORE_FAILED, "connection failed (" + cause + ") at " + what, true, e);
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("credentials")) {
            return fail(ErrorKind.STORE_ACCESS_DENIED, "no S3 credentials found at " + what
                    + ": set --s3-access-key and --s3-secret-key (or HOLDFAST_S3_ACCESS_KEY and HOLDFAST_S3_SECRET_KEY)"
                    + " or configure the AWS default credential chain", false, e);
        }
        return fail(ErrorKind.STORE_FAILED, "request failed at " + what + ": " + message, e.retryable(), e);
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

    StoreException fail(ErrorKind kind, String message, boolean retryable, Throwable cause) {
        return new StoreException(kind, redact(store + ": " + message), retryable, cause);
    }

    /** Belt and braces: no message ever carries the secret, whatever a server echoes back. */
    String redact(String message) {
        String oneLine = message.replaceAll("\\s*[\\r\\n]+\\s*", " ");
        return secret.filter(s -> s.length() >= 4).map(s -> oneLine.replace(s, "***")).orElse(oneLine);
    }
}
