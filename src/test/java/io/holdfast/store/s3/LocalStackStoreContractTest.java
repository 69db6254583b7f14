package io.holdfast.store.s3;

import io.holdfast.config.StoreConfig;
import io.holdfast.config.StoreFactory;
import io.holdfast.store.BlobStore;
import io.holdfast.store.BlobStoreContract;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The contract on LocalStack's S3, where a Docker engine exists; reported as skipped elsewhere. Conditional
 * writes need LocalStack 4.0 or later, and racing If-Match writes were only fixed in late 2025 (4.10); override
 * the image with {@code -Dholdfast.localstack.image=...}.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackStoreContractTest extends BlobStoreContract {
    @Container
    private static final LocalStackContainer LOCALSTACK = new LocalStackContainer(
            DockerImageName.parse(System.getProperty("holdfast.localstack.image", "localstack/localstack:4.10")))
            .withServices(LocalStackContainer.Service.S3);

    private static final AtomicInteger BUCKETS = new AtomicInteger();

    @Override
    protected BlobStore openStore() {
        String bucket = "holdfast-contract-" + BUCKETS.incrementAndGet();
        try (S3Client raw = S3Client.builder()
                .endpointOverride(LOCALSTACK.getEndpoint())
                .region(Region.of(LOCALSTACK.getRegion()))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())))
                .httpClientBuilder(software.amazon.awssdk.http.apache5.Apache5HttpClient.builder())
                .build()) {
            raw.createBucket(b -> b.bucket(bucket));
        }
        StoreConfig config = new StoreConfig("s3://" + bucket + "/store", Optional.of(LOCALSTACK.getEndpoint().toString()),
                Optional.of(LOCALSTACK.getRegion()), true, Optional.of(LOCALSTACK.getAccessKey()),
                Optional.of(LOCALSTACK.getSecretKey()));
        return S3Store.open(StoreFactory.s3Settings(config).withMultipart(S3Settings.MIN_PART_SIZE, S3Settings.MIN_PART_SIZE), true);
    }
}
