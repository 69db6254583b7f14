package io.holdfast.store;

import java.io.IOException;
import java.io.InputStream;

/**
 * An open object (or a range of it). The caller must close it.
 *
 * @param info   metadata of the whole object
 * @param range  the bytes this stream carries, or null for the whole object
 * @param body   the content
 */
public record ObjectStream(ObjectInfo info, ByteRange range, InputStream body) implements AutoCloseable {
    public long length() {
        return range == null ? info.size() : range.length();
    }

    public byte[] readAllBytes() throws IOException {
        try (InputStream in = body) {
            return in.readAllBytes();
        }
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
