package io.holdfast.manifest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Base64;
import java.util.HexFormat;
import org.apache.commons.codec.digest.DigestUtils;

/** A SHA-256 digest, as 64 lowercase hex characters. Content addresses, ETags and SRI all derive from it. */
public record Digest(String hex) implements Comparable<Digest> {

    @JsonCreator
    public Digest {
        if (!isValid(hex)) {
            throw new IllegalArgumentException("not a SHA-256 hex digest: " + hex);
        }
    }

    public static Digest of(byte[] content) {
        return new Digest(DigestUtils.sha256Hex(content));
    }

    public static Digest ofBytes(byte[] rawDigest) {
        return new Digest(HexFormat.of().formatHex(rawDigest));
    }

    /** 64 lowercase hex characters; a loop, not a regex: publish checks one per file. */
    public static boolean isValid(String hex) {
        if (hex == null || hex.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = hex.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    public byte[] bytes() {
        return HexFormat.of().parseHex(hex);
    }

    /** Subresource Integrity value, e.g. {@code sha256-47DEQpj8...=}. */
    public String integrity() {
        return "sha256-" + Base64.getEncoder().encodeToString(bytes());
    }

    /** Base64 form used by S3's {@code x-amz-checksum-sha256}. */
    public String base64() {
        return Base64.getEncoder().encodeToString(bytes());
    }

    @JsonValue
    @Override
    public String hex() {
        return hex;
    }

    @Override
    public int compareTo(Digest o) {
        return hex.compareTo(o.hex);
    }

    @Override
    public String toString() {
        return hex;
    }
}
