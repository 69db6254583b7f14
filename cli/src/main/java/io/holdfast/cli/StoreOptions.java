package io.holdfast.cli;

import io.holdfast.config.StoreConfig;
import io.holdfast.config.StoreFactory;
import io.holdfast.store.BlobStore;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The store options every command shares (a picocli mixin). Each also reads an environment variable. */
public final class StoreOptions {
    @Option(names = "--store", defaultValue = "${env:HOLDFAST_STORE:-.holdfast}",
            description = "Store: a directory, file:/path or s3://bucket/prefix (env HOLDFAST_STORE; default ${DEFAULT-VALUE}).")
    String uri;

    @Option(names = "--s3-endpoint", defaultValue = "${env:HOLDFAST_S3_ENDPOINT}",
            description = "S3 endpoint for S3-compatible stores (MinIO, R2, Ceph); env HOLDFAST_S3_ENDPOINT.")
    String endpoint;

    @Option(names = "--s3-region", defaultValue = "${env:HOLDFAST_S3_REGION}",
            description = "S3 region (env HOLDFAST_S3_REGION; else the AWS default chain).")
    String region;

    @Option(names = "--s3-path-style", defaultValue = "${env:HOLDFAST_S3_PATH_STYLE:-false}",
            description = "Use path-style S3 URLs (needed by most S3-compatible servers); env HOLDFAST_S3_PATH_STYLE.")
    boolean pathStyle;

    @Option(names = "--s3-access-key", defaultValue = "${env:HOLDFAST_S3_ACCESS_KEY}",
            description = "S3 access key (env HOLDFAST_S3_ACCESS_KEY; else the AWS default chain).")
    String accessKey;

    @Option(names = "--s3-secret-key", defaultValue = "${env:HOLDFAST_S3_SECRET_KEY}",
            description = "S3 secret key (env HOLDFAST_S3_SECRET_KEY; else the AWS default chain).")
    String secretKey;

    public StoreConfig config() {
        return new StoreConfig(uri, Optional.ofNullable(endpoint), Optional.ofNullable(region), pathStyle,
                Optional.ofNullable(accessKey), Optional.ofNullable(secretKey));
    }

    /**
     * Opens the store; writers create a missing filesystem store, readers report it. With
     * {@code HOLDFAST_STORE_STATS=FILE} set (benchmarks), the store's calls are counted into that file on close.
     */
    public BlobStore open(boolean forWriting) {
        BlobStore store = StoreFactory.open(config(), forWriting);
        String stats = System.getenv("HOLDFAST_STORE_STATS");
        return stats == null || stats.isBlank() ? store : new CountingStore(store, java.nio.file.Path.of(stats));
    }
}
