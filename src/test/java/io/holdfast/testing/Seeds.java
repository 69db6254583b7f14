package io.holdfast.testing;

/**
 * Seeds and sizes of property-style tests. A test prints the seed it used; {@code -Dholdfast.seed=N} replays it,
 * {@code -Dholdfast.iterations=N} scales how many cases run (each test documents its default).
 */
public final class Seeds {
    private Seeds() {
    }

    /** The seed to use: {@code holdfast.seed} if set, else a fresh one. Printed either way, with how to replay. */
    public static long seed(String test) {
        String fixed = System.getProperty("holdfast.seed");
        long seed = fixed == null || fixed.isBlank() ? System.nanoTime() ^ Thread.currentThread().getId() << 32
                : Long.parseLong(fixed.trim());
        System.out.println("[seed] " + test + " seed=" + seed + " (replay: -Dholdfast.seed=" + seed + ")");
        return seed;
    }

    /** {@code holdfast.iterations} if set, else {@code dflt}. */
    public static int iterations(int dflt) {
        String n = System.getProperty("holdfast.iterations");
        return n == null || n.isBlank() ? dflt : Integer.parseInt(n.trim());
    }
}
