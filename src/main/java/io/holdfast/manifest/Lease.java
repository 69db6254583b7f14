package io.holdfast.manifest;

import java.util.List;

/**
 * {@code leases/<publishId>.json}: an in-flight publish. Every digest it lists is a GC root while the lease is
 * unexpired. Expiry is the lease object's store timestamp plus {@code ttlSeconds}: store time only, so clock
 * skew between machines cannot expire it early. Every rewrite bumps {@code renewal}: an S3 ETag is a hash of the
 * content, so an identical rewrite would not invalidate a concurrent compare-and-swap. A lease GC has written off carries {@code revoked = true}.
 */
public record Lease(String publishId, ReleaseId release, long ttlSeconds, long renewal, List<Digest> digests,
                    boolean revoked) {
    public Lease {
        digests = List.copyOf(digests);
    }

    /** The same lease renewed: {@code renewal} changes so the stored bytes (and so the S3 ETag) change too. */
    public Lease renewed() {
        return new Lease(publishId, release, ttlSeconds, renewal + 1, digests, revoked);
    }

    public Lease revoke() {
        return new Lease(publishId, release, ttlSeconds, renewal + 1, digests, true);
    }
}
