package io.holdfast.store.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.core.ResponseInputStream;

/**
 * The body of a GET. Closing it before all {@code length} bytes were read aborts the connection instead of
 * draining it: otherwise a client that hangs up on a large object would make us download the rest just to
 * reuse the connection. Read to the end, the connection goes back to the pool.
 */
final class ResponseBody extends FilterInputStream {
    private final ResponseInputStream<?> response;
    private final long length;
    private long read;

    /**
     * @param body     what the caller reads: the response itself or a slice of it
     * @param response the SDK stream, to abort
     * @param length   bytes in {@code body}
     */
    ResponseBody(InputStream body, ResponseInputStream<?> response, long length) {
        super(body);
        this.response = response;
        this.length = length;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            read++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            read += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        read += skipped;
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void close() throws IOException {
        if (read < length || in != response) {
            response.abort();
        }
        super.close();
    }
}
