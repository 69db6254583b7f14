package io.holdfast.fingerprint;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Content-Type of a file from its extension: a curated table in the spirit of nginx's {@code mime.types},
 * updated for today's web (text/javascript per RFC 9239, woff2, avif, wasm, webmanifest). Text types carry
 * {@code charset=utf-8}. Publish records the type in the manifest; the origin serves what the manifest says and
 * uses this table only for names it has no manifest entry for.
 */
public final class ContentTypes {
    /** What a file of unknown type is served as: browsers will not sniff it into something executable. */
    public static final String DEFAULT = "application/octet-stream";

    private static final String UTF8 = "; charset=utf-8";

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            // documents and code
            Map.entry("html", "text/html" + UTF8),
            Map.entry("htm", "text/html" + UTF8),
            Map.entry("shtml", "text/html" + UTF8),
            Map.entry("xhtml", "application/xhtml+xml" + UTF8),
            Map.entry("css", "text/css" + UTF8),
            Map.entry("js", "text/javascript" + UTF8),
            Map.entry("mjs", "text/javascript" + UTF8),
            Map.entry("cjs", "text/javascript" + UTF8),
            Map.entry("json", "application/json" + UTF8),
            Map.entry("map", "application/json" + UTF8),
            Map.entry("jsonld", "application/ld+json" + UTF8),
            Map.entry("webmanifest", "application/manifest+json" + UTF8),
            Map.entry("xml", "application/xml" + UTF8),
            Map.entry("xsl", "application/xml" + UTF8),
            Map.entry("rss", "application/rss+xml" + UTF8),
            Map.entry("atom", "application/atom+xml" + UTF8),
            Map.entry("txt", "text/plain" + UTF8),
            Map.entry("text", "text/plain" + UTF8),
            Map.entry("md", "text/markdown" + UTF8),
            Map.entry("csv", "text/csv" + UTF8),
            Map.entry("tsv", "text/tab-separated-values" + UTF8),
            Map.entry("vtt", "text/vtt" + UTF8),
            Map.entry("ics", "text/calendar" + UTF8),
            Map.entry("yaml", "application/yaml" + UTF8),
            Map.entry("yml", "application/yaml" + UTF8),
            Map.entry("wasm", "application/wasm"),
            Map.entry("pdf", "application/pdf"),
            // images
            Map.entry("png", "image/png"),
            Map.entry("apng", "image/apng"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("avif", "image/avif"),
            Map.entry("jxl", "image/jxl"),
            Map.entry("svg", "image/svg+xml" + UTF8),
            Map.entry("svgz", "image/svg+xml"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("cur", "image/x-icon"),
            Map.entry("bmp", "image/bmp"),
            Map.entry("tif", "image/tiff"),
            Map.entry("tiff", "image/tiff"),
            // fonts
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("ttf", "font/ttf"),
            Map.entry("otf", "font/otf"),
            Map.entry("eot", "application/vnd.ms-fontobject"),
            // audio and video
            Map.entry("mp3", "audio/mpeg"),
            Map.entry("m4a", "audio/mp4"),
            Map.entry("aac", "audio/aac"),
            Map.entry("oga", "audio/ogg"),
            Map.entry("ogg", "audio/ogg"),
            Map.entry("opus", "audio/ogg"),
            Map.entry("wav", "audio/wav"),
            Map.entry("flac", "audio/flac"),
            Map.entry("weba", "audio/webm"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("m4v", "video/mp4"),
            Map.entry("webm", "video/webm"),
            Map.entry("ogv", "video/ogg"),
            Map.entry("mov", "video/quicktime"),
            Map.entry("m3u8", "application/vnd.apple.mpegurl"),
            Map.entry("mpd", "application/dash+xml"),
            // archives and binaries
            Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"),
            Map.entry("tgz", "application/gzip"),
            Map.entry("br", "application/octet-stream"),
            Map.entry("zst", "application/zstd"),
            Map.entry("tar", "application/x-tar"),
            Map.entry("bin", "application/octet-stream"));

    /**
     * Types worth precompressing. Everything else is either already compressed (images, woff2, video, archives)
     * or unknown; an unknown binary is not worth the CPU.
     */
    private static final Set<String> COMPRESSIBLE_NON_TEXT = Set.of(
            "application/json", "application/ld+json", "application/manifest+json", "application/xml",
            "application/xhtml+xml", "application/rss+xml", "application/atom+xml", "application/yaml",
            "application/wasm", "image/svg+xml", "image/x-icon", "image/bmp", "font/ttf", "font/otf",
            "application/vnd.ms-fontobject", "application/vnd.apple.mpegurl", "application/dash+xml",
            "application/x-tar");

    private ContentTypes() {
    }

    /** The Content-Type for a path (or file name), by its last extension, case-insensitively. */
    public static String forPath(String path) {
        int slash = path.lastIndexOf('/');
        String name = path.substring(slash + 1);
        int dot = name.lastIndexOf('.');
        if (dot < 0 || dot == name.length() - 1) {
            return DEFAULT;
        }
        return BY_EXTENSION.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), DEFAULT);
    }

    /** True if a precompressed br/gzip variant of this type is likely to be smaller. */
    public static boolean isCompressible(String contentType) {
        String mime = mediaType(contentType);
        return mime.startsWith("text/") || COMPRESSIBLE_NON_TEXT.contains(mime);
    }

    /** The type without parameters, lowercased: {@code text/css; charset=utf-8} → {@code text/css}. */
    public static String mediaType(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }
}
