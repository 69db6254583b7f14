package io.holdfast.store.s3;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import java.util.regex.Pattern;

/**
 * A bucket and the key prefix the store lives under, parsed from {@code s3://bucket/prefix}.
 *
 * @param bucket the bucket name
 * @param prefix empty, or a prefix ending in {@code /} that every store key is appended to
 */
public record S3Location(String bucket, String prefix) {
    /** Loose on purpose (S3-compatible servers differ); strict enough to catch typos and stray URL parts. */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]");

    public S3Location {
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            throw new IllegalArgumentException("prefix must be empty or end with '/': " + prefix);
        }
    }

    /** Parses {@code s3://bucket}, {@code s3://bucket/} or {@code s3://bucket/some/prefix[/]}. */
    public static S3Location parse(String uri) {
        if (!uri.startsWith("s3://")) {
            throw new HoldfastException(ErrorKind.USAGE, "not an S3 store URI (s3://bucket/prefix): " + uri);
        }
        String rest = uri.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (!BUCKET.matcher(bucket).matches()) {
            throw new HoldfastException(ErrorKind.USAGE, "invalid bucket name '" + bucket + "' in store URI " + uri
                    + " (3-63 lowercase letters, digits, '.', '-')");
        }
        if (prefix.contains("?") || prefix.contains("#") || prefix.startsWith("/") || prefix.contains("//")) {
            throw new HoldfastException(ErrorKind.USAGE, "invalid key prefix '" + prefix + "' in store URI " + uri);
        }
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        return new S3Location(bucket, prefix);
    }

    /** The object key of a store key. */
    public String objectKey(String storeKey) {
        return prefix + storeKey;
    }

    /** The store key of an object key under {@link #prefix()}. */
    public String storeKey(String objectKey) {
        return objectKey.substring(prefix.length());
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + prefix;
    }
}
