package io.holdfast.store.s3;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/** Builds the SDK client for {@link S3Settings}: bounded timeouts, no SDK retries, explicit checksums only. */
final class S3Clients {
    private S3Clients() {
    }

    /** The HTTP client is returned separately because an S3Client does not close one it was given. */
    record Built(S3Client s3, SdkHttpClient http) {
    }

    static Built build(S3Settings settings) {
        SdkHttpClient http = Apache5HttpClient.builder()
                .connectionTimeout(settings.connectTimeout())
                .socketTimeout(settings.socketTimeout())
                .maxConnections(settings.maxConnections())
                // Waiting for a pooled connection is back-pressure from our own concurrency, not an outage.
                .connectionAcquisitionTimeout(Duration.ofMinutes(5))
                .tcpKeepAlive(true)
                .build();
        try {
            S3ClientBuilder builder = S3Client.builder()
                    .httpClient(http)
                    .region(Region.of(region(settings)))
                    .forcePathStyle(settings.pathStyle())
                    .credentialsProvider(credentials(settings))
                    // Uploads carry the SHA-256 we already know as x-amz-checksum-sha256; letting the SDK add its
                    // own CRC trailer would re-read every file and needs aws-chunked encoding some servers mishandle.
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    // Over plain http the SDK signs every upload body. By default it does so chunk by chunk
                    // (aws-chunked: a signature per 128 KiB and framing the server must parse); without chunked
                    // encoding it hashes the whole body once before sending it, as rclone does: an eighth less CPU
                    // for a cold publish (docs/BENCHMARKS.md). Over https bodies are not signed either way.
                    .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                    // RetryingStore retries with knowledge of what a lost write means (a retried create-only PUT can
                    // answer 412 for our own first attempt); the SDK's blind retries would hide that.
                    .overrideConfiguration(o -> {
                        o.retryStrategy(AwsRetryStrategy.doNotRetry());
                        settings.attemptTimeout().ifPresent(o::apiCallAttemptTimeout);
                    });
            settings.endpoint().ifPresent(builder::endpointOverride);
            return new Built(builder.build(), http);
        } catch (RuntimeException e) {
            http.close();
            throw e;
        }
    }

    private static String region(S3Settings settings) {
        if (settings.region().isPresent()) {
            return settings.region().get();
        }
        if (settings.endpoint().isPresent()) {
            // S3-compatible servers mostly ignore the region but the signature needs one.
            return "us-east-1";
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion().id();
        } catch (SdkClientException e) {
            throw new HoldfastException(ErrorKind.USAGE, "no S3 region for " + settings.location()
                    + ": set --s3-region (HOLDFAST_S3_REGION) or AWS_REGION");
        }
    }

    private static AwsCredentialsProvider credentials(S3Settings settings) {
        if (settings.accessKey().isPresent()) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(settings.accessKey().get(), settings.secretKey().orElseThrow()));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
