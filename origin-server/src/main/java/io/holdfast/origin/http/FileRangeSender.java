package io.holdfast.origin.http;

import io.holdfast.origin.blob.OpenFiles;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.channels.FileChannel;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.Options;
import org.xnio.channels.StreamSinkChannel;

/**
 * Sends bytes {@code [first, first + length)} of a file without blocking a thread: sendfile whenever the socket is
 * writable, on the connection's I/O thread. A client that stops reading costs a suspended connection (closed by the
 * write timeout), never a worker thread; with blocking sends, as many such clients as worker threads stalled every
 * request that needs one.
 *
 * <p>The headers are flushed before the first byte of the file: while they are pending, Undertow fills the rest of its
 * header buffer from the file's current position without regard to the count, which made an answer carry up to
 * 16 KiB more than its Content-Length and desynchronised kept-alive connections. (Sending them in one write with the
 * range's first 16 KiB, read into a buffer, saves a packet but cost more than it saved: 0.91x of nginx's 100 KiB
 * requests/s against 1.02x, medians of 6, in docs/BENCHMARKS.md.)
 */
final class FileRangeSender implements ChannelListener<StreamSinkChannel> {
    /**
     * From this size on, a body is sent with Nagle's algorithm on (TCP_NODELAY off) and the tail pushed at the end,
     * as nginx's {@code tcp_nopush} corks it: the client then gets full segments, not a short one after each
     * sendfile. For 5 MiB this took nginx's share from 0.83x to 0.93x, with 10% less CPU per byte in the client
     * (docs/BENCHMARKS.md). Java has no TCP_CORK; the pushes at the end make Nagle's wait for an ACK moot.
     */
    static final long NAGLE_FROM = 256 << 10;

    private final HttpServerExchange exchange;
    private final OpenFiles.Lease lease;
    private final FileChannel file;
    private long position;
    private long remaining;
    private boolean headersSent;
    private boolean finished;
    private boolean nagle;

    private FileRangeSender(HttpServerExchange exchange, OpenFiles.Lease lease, long first, long length) {
        this.exchange = exchange;
        this.lease = lease;
        this.file = lease.channel();
        this.position = first;
        this.remaining = length;
    }

    /**
     * Starts sending; the exchange ends when the last byte is written (or the connection is closed on error). The
     * lease is closed when the exchange completes.
     */
    static void send(HttpServerExchange exchange, OpenFiles.Lease lease, long first, long length) {
        exchange.addExchangeCompleteListener((ex, next) -> {
            lease.close();
            next.proceed();
        });
        StreamSinkChannel out = exchange.getResponseChannel();
        FileRangeSender sender = new FileRangeSender(exchange, lease, first, length);
        if (exchange.isInIoThread()) {
            // Most answers fit the socket's buffer at once: writing now, before asking to be told of writability,
            // saves two epoll_ctl calls per response.
            sender.handleEvent(out);
            if (sender.finished) {
                return;
            }
        }
        out.getWriteSetter().set(sender);
        out.resumeWrites();
    }

    @Override
    public void handleEvent(StreamSinkChannel out) {
        try {
            if (!headersSent) {
                if (!out.flush()) {
                    return; // called again when writable
                }
                headersSent = true;
                if (remaining >= NAGLE_FROM) {
                    exchange.getConnection().setOption(Options.TCP_NODELAY, false);
                    nagle = true;
                }
            }
            while (remaining > 0) {
                long n = out.transferFrom(file, position, remaining);
                if (n == 0) {
                    return;
                }
                position += n;
                remaining -= n;
            }
            finished = true;
            if (nagle) {
                exchange.getConnection().setOption(Options.TCP_NODELAY, true); // pushes the last short segment now
            }
            out.suspendWrites();
            out.getWriteSetter().set(null);
            exchange.endExchange();
        } catch (IOException e) {
            finished = true;
            lease.close();
            IoUtils.safeClose(exchange.getConnection());
        }
    }
}
