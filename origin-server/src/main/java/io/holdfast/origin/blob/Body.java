package io.holdfast.origin.blob;

import java.nio.ByteBuffer;

/** Where a response body comes from once its blob has been located (and, where possible, verified). */
public sealed interface Body {
    /** Verified bytes in memory (a view for this response only). */
    record Memory(ByteBuffer bytes) implements Body {
    }

    /** A verified local file, open, sent zero-copy; the response closes the lease when done. */
    record LocalFile(OpenFiles.Lease file) implements Body {
    }

    /** Bytes streamed from a remote store, not held whole: verified while streamed when the whole blob is sent. */
    record Remote(String key) implements Body {
    }
}
