package io.holdfast.gc;

import io.holdfast.manifest.Digest;
import java.util.function.Consumer;

/**
 * A set of SHA-256 digests in 32 bytes each (four longs in one open-addressing table), so GC's memory grows
 * with the number of distinct blobs and not with releases × assets, and no object is kept per digest.
 * Thread-safe: manifests are scanned into it from several threads.
 */
public final class DigestSet {
    private static final int WORDS = 4;
    private long[] table;
    private int mask;
    private int size;
    /** The all-zero digest cannot be stored in the table (zero marks an empty slot). */
    private boolean hasZero;

    public DigestSet() {
        this(1024);
    }

    public DigestSet(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        table = new long[capacity * WORDS];
        mask = capacity - 1;
    }

    public synchronized boolean add(Digest d) {
        return add(d.hex());
    }

    /** Adds a digest given as 64 lowercase hex characters; returns true if it was not there. */
    public synchronized boolean add(CharSequence hex) {
        long a = word(hex, 0);
        long b = word(hex, 16);
        long c = word(hex, 32);
        long d = word(hex, 48);
        if ((a | b | c | d) == 0) {
            boolean added = !hasZero;
            hasZero = true;
            size += added ? 1 : 0;
            return added;
        }
        if ((size + 1) * 2L > (long) (mask + 1)) {
            grow();
        }
        return insert(a, b, c, d);
    }

    public synchronized boolean contains(Digest d) {
        return contains(d.hex());
    }

    public synchronized boolean contains(CharSequence hex) {
        long a = word(hex, 0);
        long b = word(hex, 16);
        long c = word(hex, 32);
        long d = word(hex, 48);
        if ((a | b | c | d) == 0) {
            return hasZero;
        }
        for (int slot = slot(a); ; slot = (slot + 1) & mask) {
            int i = slot * WORDS;
            if (isEmpty(i)) {
                return false;
            }
            if (table[i] == a && table[i + 1] == b && table[i + 2] == c && table[i + 3] == d) {
                return true;
            }
        }
    }

    public synchronized int size() {
        return size;
    }

    /** Calls {@code sink} with the hex form of every digest, in no particular order. */
    public synchronized void forEach(Consumer<String> sink) {
        if (hasZero) {
            sink.accept("0".repeat(64));
        }
        for (int i = 0; i < table.length; i += WORDS) {
            if (!isEmpty(i)) {
                sink.accept(hex(table[i]) + hex(table[i + 1]) + hex(table[i + 2]) + hex(table[i + 3]));
            }
        }
    }

    private boolean insert(long a, long b, long c, long d) {
        for (int slot = slot(a); ; slot = (slot + 1) & mask) {
            int i = slot * WORDS;
            if (isEmpty(i)) {
                table[i] = a;
                table[i + 1] = b;
                table[i + 2] = c;
                table[i + 3] = d;
                size++;
                return true;
            }
            if (table[i] == a && table[i + 1] == b && table[i + 2] == c && table[i + 3] == d) {
                return false;
            }
        }
    }

    private void grow() {
        long[] old = table;
        table = new long[old.length * 2];
        mask = (table.length / WORDS) - 1;
        size = hasZero ? 1 : 0;
        for (int i = 0; i < old.length; i += WORDS) {
            if (old[i] != 0 || old[i + 1] != 0 || old[i + 2] != 0 || old[i + 3] != 0) {
                insert(old[i], old[i + 1], old[i + 2], old[i + 3]);
            }
        }
    }

    private boolean isEmpty(int i) {
        return table[i] == 0 && table[i + 1] == 0 && table[i + 2] == 0 && table[i + 3] == 0;
    }

    /** SHA-256 output is uniform, so a mix of the first word is a good enough hash. */
    private int slot(long a) {
        long h = a * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & mask;
    }

    private static long word(CharSequence hex, int from) {
        if (hex.length() != 64) {
            throw new IllegalArgumentException("not a SHA-256 hex digest: " + hex);
        }
        long v = 0;
        for (int i = from; i < from + 16; i++) {
            char ch = hex.charAt(i);
            int n;
            if (ch >= '0' && ch <= '9') {
                n = ch - '0';
            } else if (ch >= 'a' && ch <= 'f') {
                n = ch - 'a' + 10;
            } else {
                throw new IllegalArgumentException("not a SHA-256 hex digest: " + hex);
            }
            v = (v << 4) | n;
        }
        return v;
    }

    private static String hex(long v) {
        String s = Long.toHexString(v);
        return s.length() == 16 ? s : "0".repeat(16 - s.length()) + s;
    }
}
