package io.holdfast.publish;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Asset;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * {@code --write-manifest}: maps logical names to served (fingerprinted) names in the formats app servers read,
 * written into the build output directory after a successful publish. Paths in them are relative to that
 * directory (without {@code --prefix}), as the frameworks expect. The publisher never publishes these files.
 * <ul>
 *   <li>{@code json}: {@code .holdfast-manifest.json}, Holdfast's own: release, prefix, and per asset its served
 *       path, SRI integrity, size and content type;</li>
 *   <li>{@code propshaft}: {@code .manifest.json}, Rails Propshaft's format ({@code digested_path}, {@code integrity});</li>
 *   <li>{@code sprockets}: {@code .sprockets-manifest-<hex>.json}, Sprockets' {@code files}/{@code assets} format;
 *       older Sprockets manifests in the directory are removed, since Sprockets reads whichever it finds first.</li>
 * </ul>
 */
public final class FrameworkManifestWriter {
    public static final String NATIVE = ".holdfast-manifest.json";
    public static final String PROPSHAFT = ".manifest.json";

    /** The formats {@code --write-manifest} accepts. */
    public enum Format {
        JSON, PROPSHAFT, SPROCKETS;

        public static Format parse(String s) {
            try {
                return valueOf(s.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new HoldfastException(ErrorKind.USAGE, "unknown --write-manifest format '" + s + "': use json, propshaft or sprockets");
            }
        }
    }

    private final Path dir;
    private final String prefix;

    public FrameworkManifestWriter(Path dir, String prefix) {
        this.dir = dir;
        this.prefix = prefix;
    }

    /** Writes the manifest in one format; returns the file written. */
    public Path write(ReleaseManifest manifest, Format format) {
        try {
            return switch (format) {
                case JSON -> replace(dir.resolve(NATIVE), nativeJson(manifest));
                case PROPSHAFT -> replace(dir.resolve(PROPSHAFT), propshaft(manifest));
                case SPROCKETS -> sprockets(manifest);
            };
        } catch (IOException e) {
            throw new HoldfastException(ErrorKind.BAD_INPUT, "cannot write the " + format.name().toLowerCase(Locale.ROOT)
                    + " manifest into " + dir + ": " + e.getMessage(), e);
        }
    }

    private String local(String path) {
        return path.startsWith(prefix) ? path.substring(prefix.length()) : path;
    }

    private byte[] nativeJson(ReleaseManifest m) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("release", m.id().value());
        root.put("prefix", prefix);
        ObjectNode assets = root.putObject("assets");
        for (Asset a : m.assets()) {
            ObjectNode e = assets.putObject(local(a.path()));
            e.put("path", local(a.servedPath()));
            e.put("integrity", a.integrity());
            e.put("size", a.size());
            e.put("contentType", a.contentType());
        }
        return Documents.encode(root);
    }

    private byte[] propshaft(ReleaseManifest m) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        for (Asset a : m.assets()) {
            ObjectNode e = root.putObject(local(a.path()));
            e.put("digested_path", local(a.servedPath()));
            e.put("integrity", a.integrity());
        }
        return Documents.encode(root);
    }

    private Path sprockets(ReleaseManifest m) throws IOException {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode files = root.putObject("files");
        ObjectNode assets = root.putObject("assets");
        String mtime = m.created().toString();
        for (Asset a : m.assets()) {
            ObjectNode f = files.putObject(local(a.servedPath()));
            f.put("logical_path", local(a.path()));
            f.put("mtime", mtime);
            f.put("size", a.size());
            f.put("digest", a.digest().hex());
            f.put("integrity", a.integrity());
            assets.put(local(a.path()), local(a.servedPath()));
        }
        List<Path> old = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".sprockets-manifest-*.json")) {
            ds.forEach(old::add);
        }
        // Named after the release so republishing writes the same file; 32 hex like Sprockets' own.
        String hex = HexFormat.of().formatHex(io.holdfast.manifest.Digest.of(
                m.id().value().getBytes(StandardCharsets.UTF_8)).bytes()).substring(0, 32);
        Path target = dir.resolve(".sprockets-manifest-" + hex + ".json");
        replace(target, Documents.encode(root));
        for (Path p : old) {
            if (!p.equals(target)) {
                Files.deleteIfExists(p);
            }
        }
        return target;
    }

    /** Written to a temporary file and renamed, so an app server never reads half a manifest. */
    private static Path replace(Path target, byte[] content) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), ".holdfast-", ".tmp");
        try {
            Files.write(tmp, content);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }
}
