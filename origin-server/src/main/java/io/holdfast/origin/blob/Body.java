package io.holdfast.origin.blob;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/** Where a response body comes from once its blob has been located (and, where possible, verified). */
public sealed interface Body {
    /** Verified bytes in memory (a view for this response only). */
    record Memory(ByteBuffer bytes) implements Body {
    }

    /** A verified local file, sent zero-copy. */
    record LocalFile(Path file) implements Body {
    }

    /** Bytes streamed from a remote store, not held whole: verified while streamed when the whole blob is sent. */
    record Remote(String key) implements Body {
    }
}
