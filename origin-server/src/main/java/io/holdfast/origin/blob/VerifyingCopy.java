package io.holdfast.origin.blob;

import io.holdfast.origin.index.Representation;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * Streams a remote blob to a client. When the whole blob is sent, its digest is computed on the way and the last
 * chunk is held back until it matches: a corrupted blob then ends in a broken connection short of its
 * Content-Length, which clients and CDNs treat as a failed download (never cached, never shown complete).
 * A range cannot be checked without reading the whole blob, so ranges of remote blobs are sent as the store returns
 * them (the store itself verified the blob when it was uploaded).
 */
public final class VerifyingCopy {
    private static final int CHUNK = 64 * 1024;

    private VerifyingCopy() {
    }

    /**
     * @param whole true when {@code in} carries the whole blob (then it is verified)
     * @throws BlobUnavailableException when the whole blob does not match its digest or size
     */
    public static long copy(InputStream in, OutputStream out, Representation rep, long expectedLength, boolean whole)
            throws IOException {
        MessageDigest sha = whole ? BlobReader.sha() : null;
        byte[] held = new byte[CHUNK];
        byte[] reading = new byte[CHUNK];
        int heldLength = 0;
        long total = 0;
        while (true) {
            int n = in.readNBytes(reading, 0, CHUNK);
            if (n <= 0) {
                break;
            }
            if (heldLength > 0) {
                out.write(held, 0, heldLength);
            }
            if (sha != null) {
                sha.update(reading, 0, n);
            }
            total += n;
            if (total > expectedLength) {
                throw BlobReader.corrupt(rep, "more than " + expectedLength + " bytes");
            }
            byte[] t = held;
            held = reading;
            reading = t;
            heldLength = n;
        }
        if (total != expectedLength) {
            throw BlobReader.corrupt(rep, "only " + total + " of " + expectedLength + " bytes");
        }
        if (sha != null) {
            byte[] actual = sha.digest();
            if (!MessageDigest.isEqual(actual, rep.digest.bytes())) {
                throw BlobReader.corrupt(rep, "streamed content does not match its digest");
            }
        }
        if (heldLength > 0) {
            out.write(held, 0, heldLength);
        }
        return total;
    }
}
