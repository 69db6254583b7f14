package io.holdfast.cli;

import io.holdfast.manifest.ReleaseId;
import io.holdfast.publish.PublishListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * The publish progress line on a terminal (stderr, redrawn in place at most ten times a second). Notes such as
 * "waiting for GC" are printed on their own line whether or not progress is shown.
 */
final class TerminalProgress implements PublishListener {
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final boolean show;
    private String phase = "";
    private long items;
    private long bytes;
    private long lastDraw;
    private boolean drawn;

    TerminalProgress(PrintWriter err, boolean show) {
        this.err = err;
        this.show = show;
    }

    @Override
    public synchronized void phase(String name, long items, long bytes) {
        finishLine();
        this.phase = name;
        this.items = items;
        this.bytes = bytes;
        lastDraw = 0;
        progress(0, 0);
    }

    @Override
    public synchronized void progress(long doneItems, long doneBytes) {
        if (!show) {
            return;
        }
        long now = System.nanoTime();
        boolean last = doneItems >= items;
        if (!last && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        int pct = bytes > 0 ? (int) (100 * doneBytes / bytes) : items > 0 ? (int) (100 * doneItems / items) : 100;
        err.print(String.format(Locale.ROOT, "\r%-12s %3d%%  %d/%d  %s / %s   ", phase, pct, doneItems, items,
                TextFormat.bytes(doneBytes), TextFormat.bytes(bytes)));
        err.flush();
        drawn = true;
    }

    @Override
    public synchronized void note(String message) {
        finishLine();
        err.println("holdfast: " + message);
        err.flush();
    }

    @Override
    public synchronized void releaseAllocated(ReleaseId id) {
        if (show) {
            note("release number " + id);
        }
    }

    synchronized void finishLine() {
        if (drawn) {
            err.println();
            err.flush();
            drawn = false;
        }
    }
}
