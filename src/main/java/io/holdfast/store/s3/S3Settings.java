package io.holdfast.store.s3;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything {@link S3Store} needs to reach a bucket. Built from a store URI and its flags; tests and callers
 * tune the rest with the {@code with…} methods. {@link #toString()} never shows the secret.
 *
 * @param location           bucket and key prefix
 * @param endpoint           a custom endpoint (MinIO, R2, Ceph, a test server); empty for AWS
 * @param region             the signing region; empty: the AWS default chain, or us-east-1 with a custom endpoint
 * @param pathStyle          path-style URLs ({@code endpoint/bucket/key}); forced on for IP and localhost endpoints
 * @param accessKey          static credentials, together with {@code secretKey}; empty: the AWS default chain
 * @param secretKey          see {@code accessKey}
 * @param multipartThreshold payloads of at least this many bytes are uploaded in parts
 * @param partSize           bytes per part (S3 requires at least 5 MiB except for the last part)
 * @param connectTimeout     bound on opening a connection: an unreachable endpoint fails this fast
 * @param socketTimeout      bound on waiting for the next bytes of a response
 * @param maxConnections     connection pool size (uploads run concurrently)
 * @param attemptTimeout     a hard bound on one request, response included; empty: none (large uploads take long).
 *                           GC sets one so no delete can land after its deadline.
 */
public record S3Settings(S3Location location, Optional<URI> endpoint, Optional<String> region, boolean pathStyle,
                         Optional<String> accessKey, Optional<String> secretKey, long multipartThreshold,
                         long partSize, Duration connectTimeout, Duration socketTimeout, int maxConnections,
                         Optional<Duration> attemptTimeout) {
    public static final long MIB = 1024 * 1024;
    public static final long DEFAULT_MULTIPART_THRESHOLD = 16 * MIB;
    public static final long DEFAULT_PART_SIZE = 16 * MIB;
    public static final long MIN_PART_SIZE = 5 * MIB;

    public S3Settings {
        if (accessKey.isPresent() != secretKey.isPresent()) {
            throw new HoldfastException(ErrorKind.USAGE, "S3 credentials need both an access key and a secret key"
                    + " (--s3-access-key/HOLDFAST_S3_ACCESS_KEY and --s3-secret-key/HOLDFAST_S3_SECRET_KEY);"
                    + " only the " + (accessKey.isPresent() ? "access key" : "secret key") + " is set");
        }
        if (partSize < MIN_PART_SIZE || partSize > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("S3 part size must be between 5 MiB and 2 GiB: " + partSize);
        }
        if (multipartThreshold < 1) {
            throw new IllegalArgumentException("multipart threshold must be positive: " + multipartThreshold);
        }
    }

    /**
     * The settings a store URI and its flags name, with default sizes and timeouts.
     *
     * @param uri {@code s3://bucket[/prefix]}
     */
    public static S3Settings of(String uri, Optional<String> endpointFlag, Optional<String> regionFlag,
                                boolean pathStyleFlag, Optional<String> accessKeyFlag, Optional<String> secretKeyFlag) {
        S3Location location = S3Location.parse(uri);
        Optional<URI> endpoint = endpointFlag.filter(s -> !s.isBlank()).map(S3Settings::endpointUri);
        boolean pathStyle = pathStyleFlag || endpoint.map(S3Settings::needsPathStyle).orElse(false);
        return new S3Settings(location, endpoint, regionFlag.filter(s -> !s.isBlank()), pathStyle,
                accessKeyFlag.filter(s -> !s.isEmpty()), secretKeyFlag.filter(s -> !s.isEmpty()),
                DEFAULT_MULTIPART_THRESHOLD, DEFAULT_PART_SIZE, Duration.ofSeconds(5), Duration.ofSeconds(60), 64,
                Optional.empty());
    }

    public S3Settings withMultipart(long threshold, long partBytes) {
        return new S3Settings(location, endpoint, region, pathStyle, accessKey, secretKey, threshold, partBytes,
                connectTimeout, socketTimeout, maxConnections, attemptTimeout);
    }

    public S3Settings withTimeouts(Duration connect, Duration socket) {
        return new S3Settings(location, endpoint, region, pathStyle, accessKey, secretKey, multipartThreshold,
                partSize, connect, socket, maxConnections, attemptTimeout);
    }

    public S3Settings withLocation(S3Location other) {
        return new S3Settings(other, endpoint, region, pathStyle, accessKey, secretKey, multipartThreshold,
                partSize, connectTimeout, socketTimeout, maxConnections, attemptTimeout);
    }

    /** Bounds every request (connecting, sending, receiving) by {@code timeout}; connecting by at most 5 s too. */
    public S3Settings withAttemptTimeout(Duration timeout) {
        Duration connect = connectTimeout.compareTo(timeout) < 0 ? connectTimeout : timeout;
        Duration socket = socketTimeout.compareTo(timeout) < 0 ? socketTimeout : timeout;
        return new S3Settings(location, endpoint, region, pathStyle, accessKey, secretKey, multipartThreshold,
                partSize, connect, socket, maxConnections, Optional.of(timeout));
    }

    private static URI endpointUri(String s) {
        URI uri;
        try {
            uri = URI.create(s.trim());
        } catch (IllegalArgumentException e) {
            throw new HoldfastException(ErrorKind.USAGE, "invalid S3 endpoint '" + s + "' (--s3-endpoint): " + e.getMessage());
        }
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new HoldfastException(ErrorKind.USAGE, "invalid S3 endpoint '" + s
                    + "' (--s3-endpoint): expected http://host[:port] or https://host[:port]");
        }
        return uri;
    }

    /** Virtual-host addressing ({@code bucket.host}) cannot work for an IP address or localhost. */
    private static boolean needsPathStyle(URI endpoint) {
        String host = endpoint.getHost();
        return host.equals("localhost") || host.matches("[0-9.]+") || host.startsWith("[");
    }

    @Override
    public String toString() {
        return "S3Settings[" + location + ", endpoint=" + endpoint.map(URI::toString).orElse("-") + ", region="
                + region.orElse("-") + ", pathStyle=" + pathStyle + ", credentials="
                + (accessKey.isPresent() ? "static" : "default chain") + "]";
    }
}
