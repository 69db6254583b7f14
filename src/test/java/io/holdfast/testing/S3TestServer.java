package io.holdfast.testing;

import io.holdfast.config.StoreConfig;
import io.holdfast.config.StoreFactory;
import io.holdfast.store.s3.S3Settings;
import io.holdfast.store.s3.S3Store;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 server (S3Proxy) inside the test JVM, on a free loopback port, checking request signatures, with
 * conditional writes made atomic ({@link AtomicConditionalWrites}; S3Proxy alone can let two racing
 * compare-and-swaps both win).
 *
 * <p>Most tests use {@link #shared()}: one in-memory server per JVM, started on first use (about a second) and
 * stopped at exit; every test takes a fresh bucket from {@link #freshConfig()} or {@link #freshStore()}, so tests
 * never see each other's objects. {@link #startFilesystem(Path)} gives a private server whose objects live on disk
 * (benchmarks with more data than fits in memory); close it when done.
 */
public final class S3TestServer implements AutoCloseable {
    public static final String ACCESS_KEY = "holdfast-access";
    public static final String SECRET_KEY = "holdfast-secret-key";
    public static final String REGION = "us-east-1";

    private final S3Proxy proxy;
    private final org.gaul.s3proxy.blobstore.BlobStore backend;
    private final URI endpoint;
    private final AtomicLong buckets = new AtomicLong();

    private S3TestServer(String provider, Properties properties, boolean checkSignatures) {
        this(provider, properties, checkSignatures, AtomicConditionalWrites::new);
    }

    /** @param decorate wraps S3Proxy's backend (tests of this fixture) */
    private S3TestServer(String provider, Properties properties, boolean checkSignatures,
                         UnaryOperator<org.gaul.s3proxy.blobstore.BlobStore> decorate) {
        properties.setProperty("jclouds.identity", ACCESS_KEY);
        properties.setProperty("jclouds.credential", SECRET_KEY);
        this.backend = decorate.apply(BlobStores.create(provider, properties));
        this.proxy = S3Proxy.builder()
                .blobStore(backend)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(checkSignatures ? AuthenticationType.AWS_V2_OR_V4 : AuthenticationType.NONE,
                        ACCESS_KEY, SECRET_KEY)
                .stopTimeout(0)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
                }
                Thread.onSpinWait();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot start S3Proxy", e);
        }
        this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** The JVM's shared in-memory server. */
    public static S3TestServer shared() {
        return Shared.INSTANCE;
    }

    /** Lazy holder: the server starts on first use, only in JVMs whose tests need it. */
    private static final class Shared {
        static final S3TestServer INSTANCE = start();

        private static S3TestServer start() {
            S3TestServer server = new S3TestServer("transient", new Properties(), true);
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "s3-test-server-stop"));
            return server;
        }
    }

    /** A private server storing objects as files under {@code dir}; the caller closes it. */
    public static S3TestServer startFilesystem(Path dir) {
        Properties p = new Properties();
        p.setProperty("jclouds.filesystem.basedir", dir.toAbsolutePath().toString());
        return new S3TestServer("filesystem", p, true);
    }

    /** A private in-memory server; the caller closes it. */
    public static S3TestServer startTransient() {
        return new S3TestServer("transient", new Properties(), true);
    }

    /** A private in-memory server whose backend is {@code decorate}d: for tests of this fixture. */
    static S3TestServer startTransient(UnaryOperator<org.gaul.s3proxy.blobstore.BlobStore> decorate) {
        return new S3TestServer("transient", new Properties(), true, decorate);
    }

    /**
     * A private in-memory server that accepts any signature: for tests that put a header-rewriting proxy in
     * front of it (rewriting signed headers would otherwise break the signature). The caller closes it.
     */
    public static S3TestServer startTransientWithoutSignatureChecks() {
        return new S3TestServer("transient", new Properties(), false);
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Creates a bucket with a name no other test in this JVM gets. */
    public String createBucket() {
        String name = "holdfast-test-" + buckets.incrementAndGet();
        createBucket(name);
        return name;
    }

    public void createBucket(String name) {
        backend.createContainer(name);
    }

    /** A store URI with this server's endpoint, region, path-style and credentials. */
    public StoreConfig config(String bucket, String prefix) {
        return new StoreConfig("s3://" + bucket + "/" + prefix, Optional.of(endpoint.toString()), Optional.of(REGION),
                true, Optional.of(ACCESS_KEY), Optional.of(SECRET_KEY));
    }

    /** The config of a store in a new, empty bucket under the prefix {@code store/}. */
    public StoreConfig freshConfig() {
        return config(createBucket(), "store/");
    }

    /** Settings for a config, with short timeouts: the server is on loopback. */
    public S3Settings settings(StoreConfig config) {
        return StoreFactory.s3Settings(config).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30));
    }

    /** An open store (conditional writes verified) in a new, empty bucket; the caller closes it. */
    public S3Store freshStore() {
        return S3Store.open(settings(freshConfig()), true);
    }

    /** A plain SDK client for this server, to look behind a store's back in assertions; the caller closes it. */
    public S3Client client() {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClientBuilder(software.amazon.awssdk.http.apache5.Apache5HttpClient.builder())
                .build();
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop S3Proxy", e);
        }
    }
}
