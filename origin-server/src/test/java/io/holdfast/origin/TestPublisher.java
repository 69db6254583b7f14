package io.holdfast.origin;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import io.holdfast.manifest.Asset;
import io.holdfast.manifest.Channel;
import io.holdfast.manifest.ChannelName;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.manifest.Source;
import io.holdfast.manifest.Variant;
import io.holdfast.store.BlobStore;
import io.holdfast.store.Payload;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * Writes releases straight into a store the way a publish leaves them (blobs, then the manifest, create-only),
 * with fingerprinted names and gzip/br variants, so origin tests do not depend on the publish code.
 */
final class TestPublisher {
    private final BlobStore store;

    TestPublisher(BlobStore store) {
        this.store = store;
    }

    /** A file of a build: entry points keep their name; everything else is fingerprinted. */
    record SiteFile(String path, byte[] bytes, boolean entryPoint) {
    }

    /** A committed release and every blob's bytes, to compare responses with. */
    record Published(ReleaseManifest manifest, Map<Digest, byte[]> blobs) {
        Asset asset(String logicalPath) {
            return manifest.assets().stream().filter(a -> a.path().equals(logicalPath)).findFirst().orElseThrow();
        }

        String id() {
            return manifest.id().value();
        }

        /** The bytes of an asset as sent with an encoding (null: identity). */
        byte[] bytes(Asset a, String encoding) {
            Digest d = encoding == null ? a.digest() : a.variants().get(encoding).digest();
            return blobs.get(d);
        }

        String etag(String logicalPath, String encoding) {
            Asset a = asset(logicalPath);
            return "\"" + (encoding == null ? a.digest() : a.variants().get(encoding).digest()).hex() + "\"";
        }

        String url(String logicalPath) {
            return "/" + asset(logicalPath).servedPath();
        }
    }

    Published publish(String id, Instant created, List<SiteFile> files) {
        List<Asset> assets = new ArrayList<>();
        Map<Digest, byte[]> blobs = new HashMap<>();
        for (SiteFile f : files) {
            Digest d = put(f.bytes(), blobs);
            String type = contentType(f.path());
            Map<String, Variant> variants = new LinkedHashMap<>();
            if (compressible(type)) {
                byte[] gz = gzip(f.bytes());
                if (gz.length < f.bytes().length) {
                    variants.put("gzip", new Variant(put(gz, blobs), gz.length));
                }
                byte[] br = brotli(f.bytes());
                if (br.length < f.bytes().length) {
                    variants.put("br", new Variant(put(br, blobs), br.length));
                }
            }
            String served = f.entryPoint() ? f.path() : fingerprinted(f.path(), d);
            assets.add(new Asset(f.path(), served, d, f.bytes().length, type, d.integrity(), f.entryPoint(), variants));
        }
        ReleaseManifest m = new ReleaseManifest(ReleaseManifest.FORMAT, ReleaseId.of(id), created,
                new Source("abc123", "main", "test"), assets);
        store.compareAndSwap(StoreKeys.release(m.id()), Documents.encode(m), Optional.empty());
        return new Published(m, blobs);
    }

    void promote(String channel, String id, Instant at) {
        ChannelName name = ChannelName.of(channel);
        Optional<Versioned> current = store.read(StoreKeys.channel(name));
        Channel next = current.isEmpty() ? Channel.first(name, ReleaseId.of(id), at)
                : Documents.decode(current.get().content(), Channel.class, "channel").movedTo(ReleaseId.of(id), at, "promote");
        store.compareAndSwap(StoreKeys.channel(name), Documents.encode(next), current.map(Versioned::version));
    }

    private Digest put(byte[] bytes, Map<Digest, byte[]> blobs) {
        Payload p = Payload.ofBytes(bytes);
        // Like publish: upload only what is missing (re-sending a large existing blob to the in-process S3 server
        // fails with a broken pipe when it refuses the create-only PUT before reading the body).
        if (store.head(StoreKeys.blob(p.sha256())).isEmpty()) {
            store.putIfAbsent(StoreKeys.blob(p.sha256()), p);
        }
        blobs.put(p.sha256(), bytes);
        return p.sha256();
    }

    static String fingerprinted(String path, Digest d) {
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        String fp = d.hex().substring(0, 12);
        return dot > slash ? path.substring(0, dot) + "-" + fp + path.substring(dot) : path + "-" + fp;
    }

    static String contentType(String path) {
        String ext = path.substring(path.lastIndexOf('.') + 1);
        return switch (ext) {
            case "html" -> "text/html; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "txt" -> "text/plain; charset=utf-8";
            case "svg" -> "image/svg+xml";
            case "json" -> "application/json";
            case "woff2" -> "font/woff2";
            case "png" -> "image/png";
            default -> "application/octet-stream";
        };
    }

    private static boolean compressible(String type) {
        return type.startsWith("text/") || type.contains("svg") || type.contains("json");
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] brotli(byte[] bytes) {
        Brotli4jLoader.ensureAvailability();
        try {
            return Encoder.compress(bytes, new Encoder.Parameters().setQuality(9));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
