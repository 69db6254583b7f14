import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Generates the benchmark input trees (run with `java bench/gen/TreeGen.java MODE ...`; JDK only, no build).
 * Deterministic for a given seed, so every tool measures the same bytes.
 *
 * <pre>
 *   big    FILE BYTES SEED              one file of random (incompressible) bytes
 *   small  DIR COUNT BYTES SEED         COUNT files of BYTES random bytes, .bin, 1000 per sub-directory
 *   mixed  DIR COUNT MIN MAX SEED       COUNT files, sizes log-uniform in [MIN, MAX]; a third compressible text
 *                                       (js, css, svg, json), the rest binary (png, jpg, woff2, webp)
 *   mutate DIR COUNT SEED               rewrites COUNT files of DIR (chosen by SEED) with new bytes of the same
 *                                       size and kind, so size-only comparisons cannot tell
 *   origin DIR SEED                     the files the origin benchmark serves (1k.css, 10k.js, 100k.png, 5m.bin)
 * </pre>
 */
public final class TreeGen {
    private static final String[] TEXT = {"js", "css", "svg", "json"};
    private static final String[] BINARY = {"png", "jpg", "woff2", "webp"};
    private static final String[] WORDS = buildWords();

    public static void main(String[] args) throws IOException {
        switch (args.length == 0 ? "" : args[0]) {
            case "big" -> big(Path.of(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]));
            case "small" -> small(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]));
            case "mixed" -> mixed(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Long.parseLong(args[5]));
            case "mutate" -> mutate(Path.of(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]));
            case "origin" -> origin(Path.of(args[1]), Long.parseLong(args[2]));
            default -> {
                System.err.println("usage: TreeGen big|small|mixed|mutate|origin ... (see the class comment)");
                System.exit(2);
            }
        }
    }

    static void big(Path file, long bytes, long seed) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; left -= buf.length) {
                fillRandom(rnd, buf, buf.length);
                out.write(buf, 0, (int) Math.min(buf.length, left));
            }
        }
    }

    static void small(Path dir, int count, int bytes, long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] buf = new byte[bytes];
        for (int i = 0; i < count; i++) {
            Path d = dir.resolve(String.format("d%03d", i / 1000));
            if (i % 1000 == 0) {
                Files.createDirectories(d);
            }
            fillRandom(rnd, buf, bytes);
            Files.write(d.resolve(String.format("f%06d.bin", i)), buf);
        }
    }

    static void mixed(Path dir, int count, int min, int max, long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        double lo = Math.log(min), hi = Math.log(max);
        for (int i = 0; i < count; i++) {
            Path d = dir.resolve(String.format("d%02d", i / 500));
            if (i % 500 == 0) {
                Files.createDirectories(d);
            }
            int size = (int) Math.round(Math.exp(lo + rnd.nextDouble() * (hi - lo)));
            boolean text = i % 3 == 0;
            String ext = text ? TEXT[(i / 3) % TEXT.length] : BINARY[i % BINARY.length];
            Files.write(d.resolve(String.format("a%05d.%s", i, ext)), content(rnd, size, text));
        }
    }

    static void mutate(Path dir, int count, long seed) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = new ArrayList<>(s.filter(Files::isRegularFile).sorted(Comparator.naturalOrder()).toList());
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int k = 0; k < count && !files.isEmpty(); k++) {
            Path f = files.remove(rnd.nextInt(files.size()));
            String name = f.getFileName().toString();
            boolean text = false;
            for (String t : TEXT) {
                text |= name.endsWith("." + t);
            }
            Files.write(f, content(rnd, (int) Files.size(f), text));
        }
    }

    static void origin(Path dir, long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        Files.createDirectories(dir);
        Files.write(dir.resolve("a1k.css"), content(rnd, 1024, true));
        Files.write(dir.resolve("a10k.js"), content(rnd, 10 * 1024, true));
        Files.write(dir.resolve("a100k.png"), content(rnd, 100 * 1024, false));
        Files.write(dir.resolve("a5m.bin"), content(rnd, 5 * 1024 * 1024, false));
        Files.write(dir.resolve("index.html"), "<!doctype html><title>bench</title>\n".getBytes(StandardCharsets.UTF_8));
    }

    /** Text compresses about 3-4x like minified code; binary does not compress at all. */
    static byte[] content(SplittableRandom rnd, int size, boolean text) {
        byte[] b = new byte[size];
        if (!text) {
            fillRandom(rnd, b, size);
            return b;
        }
        int n = 0;
        while (n < size) {
            byte[] w = WORDS[rnd.nextInt(WORDS.length)].getBytes(StandardCharsets.US_ASCII);
            for (int j = 0; j < w.length && n < size; j++) {
                b[n++] = w[j];
            }
            if (n < size) {
                b[n++] = (byte) (rnd.nextInt(8) == 0 ? '\n' : rnd.nextInt(4) == 0 ? ';' : ' ');
            }
        }
        return b;
    }

    static void fillRandom(SplittableRandom rnd, byte[] b, int len) {
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            long v = rnd.nextLong();
            for (int j = 0; j < 8; j++) {
                b[i + j] = (byte) (v >>> (8 * j));
            }
        }
        for (; i < len; i++) {
            b[i] = (byte) rnd.nextInt();
        }
    }

    private static String[] buildWords() {
        SplittableRandom rnd = new SplittableRandom(42);
        String alphabet = "abcdefghijklmnopqrstuvwxyz_.(){}=";
        String[] words = new String[512];
        for (int i = 0; i < words.length; i++) {
            StringBuilder sb = new StringBuilder();
            int len = 2 + rnd.nextInt(10);
            for (int j = 0; j < len; j++) {
                sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            words[i] = sb.toString();
        }
        return words;
    }
}
