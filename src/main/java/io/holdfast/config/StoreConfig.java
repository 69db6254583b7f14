package io.holdfast.config;

import java.util.Optional;

/**
 * Where the store is and how to reach it. {@code uri} is a directory path, {@code file:/path} or
 * {@code s3://bucket/prefix}; the S3 settings are optional (the AWS default chain fills what is missing).
 * Secrets are never printed: {@link #toString()} masks them.
 */
public record StoreConfig(String uri, Optional<String> endpoint, Optional<String> region, boolean pathStyle,
                          Optional<String> accessKey, Optional<String> secretKey) {
    public static final String DEFAULT_URI = ".holdfast";

    public static StoreConfig of(String uri) {
        return new StoreConfig(uri, Optional.empty(), Optional.empty(), false, Optional.empty(), Optional.empty());
    }

    public boolean isS3() {
        return uri.startsWith("s3://");
    }

    @Override
    public String toString() {
        return "StoreConfig[uri=" + uri + ", endpoint=" + endpoint.orElse("-") + ", region=" + region.orElse("-")
                + ", pathStyle=" + pathStyle + ", accessKey=" + (accessKey.isPresent() ? "***" : "-")
                + ", secretKey=" + (secretKey.isPresent() ? "***" : "-") + "]";
    }
}
