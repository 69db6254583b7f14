package io.holdfast.origin.http;

import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts requests in flight so a shutdown can wait for them. While draining, requests that still arrive on open
 * keep-alive connections are served but answered with {@code Connection: close}, so clients reconnect (to another
 * origin) instead of seeing errors.
 */
public final class DrainHandler implements HttpHandler {
    private final HttpHandler next;
    // A LongAdder, not an AtomicLong: every request counts up and down from both I/O threads, and one shared counter
    // bounced its cache line between the cores on every request; it is summed only while draining.
    private final LongAdder inFlight = new LongAdder();
    private final Object idle = new Object();
    private volatile boolean draining;
    private final ExchangeCompletionListener done = (exchange, nextListener) -> {
        try {
            inFlight.decrement();
            if (draining) {
                synchronized (idle) {
                    idle.notifyAll();
                }
            }
        } finally {
            nextListener.proceed();
        }
    };

    public DrainHandler(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        inFlight.increment();
        exchange.addExchangeCompleteListener(done);
        if (draining) {
            exchange.setPersistent(false);
        }
        next.handleRequest(exchange);
    }

    public long inFlight() {
        return inFlight.sum();
    }

    public boolean draining() {
        return draining;
    }

    /** From now on every response closes its connection. */
    public void startDrain() {
        draining = true;
    }

    /** Waits until no request is in flight; false if {@code timeout} passed first. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (inFlight.sum() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
        }
        return true;
    }
}
