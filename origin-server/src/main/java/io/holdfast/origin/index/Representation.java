package io.holdfast.origin.index;

import io.holdfast.manifest.Digest;
import io.holdfast.store.StoreKeys;
import java.nio.ByteBuffer;

/**
 * One byte sequence an asset can be sent as: the identity bytes or a precompressed variant. Header values are
 * computed once here so a response only copies references. Shared by every release that has the same blob.
 */
public final class Representation {
    /** Content-Encoding value, or null for identity. */
    public final String encoding;
    public final Digest digest;
    public final String blobKey;
    public final long size;
    /** Strong entity tag from the digest: the same bytes have the same tag in every release and on every origin. */
    public final String etag;
    public final String contentLength;
    /** Bytes held by the representation itself (documents such as manifests), or null for store blobs. */
    private final ByteBuffer inline;

    public Representation(String encoding, Digest digest, long size, ByteBuffer inline) {
        this.encoding = encoding;
        this.digest = digest;
        this.blobKey = StoreKeys.blob(digest);
        this.size = size;
        this.etag = "\"" + digest.hex() + "\"";
        this.contentLength = Long.toString(size);
        this.inline = inline == null ? null : inline.asReadOnlyBuffer();
    }

    /** A view of the inline bytes for one response (its own position), or null when the bytes live in the store. */
    public ByteBuffer inlineBody() {
        return inline == null ? null : inline.duplicate();
    }
}
