package io.holdfast.publish;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.regex.Pattern;

/**
 * The files of a build output directory, checked for what cannot be published: a missing or empty directory, a
 * symbolic link that leads outside it (or nowhere, or in a loop), something that is not a regular file, an
 * unreadable file or directory, a name that no URL can carry. Each is a {@link ErrorKind#BAD_INPUT} naming the
 * file. Directories are listed in parallel: on a tree of small files, listing costs as much as hashing.
 */
public final class SourceTree {
    /** Files Holdfast itself writes into a build output ({@code --write-manifest}); never published. */
    private static final Pattern OWN_OUTPUT = Pattern.compile(
            "\\.holdfast-manifest\\.json|\\.manifest\\.json|\\.sprockets-manifest-[0-9a-f]+\\.json");

    private final Path root;
    private final List<SourceFile> files;

    private SourceTree(Path root, List<SourceFile> files) {
        this.root = root;
        this.files = files;
    }

    public Path root() {
        return root;
    }

    /** Every file, sorted by path. */
    public List<SourceFile> files() {
        return files;
    }

    public long totalBytes() {
        return files.stream().mapToLong(SourceFile::size).sum();
    }

    /**
     * Walks {@code dir}.
     *
     * @param exclude directories to leave out wherever they are in the tree (the store itself, when it lives inside)
     * @param threads parallel directory listings
     */
    public static SourceTree scan(Path dir, Set<Path> exclude, int threads) {
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.exists(root)) {
            throw bad("directory " + dir + " does not exist");
        }
        if (!Files.isDirectory(root)) {
            throw bad(dir + " is not a directory");
        }
        Path realRoot;
        try {
            realRoot = root.toRealPath();
        } catch (IOException e) {
            throw bad("cannot read directory " + dir + ": " + reason(e));
        }
        Set<Path> excluded = new HashSet<>();
        for (Path p : exclude) {
            try {
                excluded.add(p.toRealPath());
            } catch (IOException ignored) {
                // a store that does not exist yet is not in the tree either
            }
        }
        ConcurrentLinkedQueue<SourceFile> found = new ConcurrentLinkedQueue<>();
        ForkJoinPool pool = new ForkJoinPool(Math.max(1, threads));
        try {
            pool.invoke(new Listing(dir, realRoot, excluded, root, realRoot, "", Set.of(realRoot), found));
        } finally {
            pool.shutdown();
        }
        List<SourceFile> files = new ArrayList<>(found);
        if (files.isEmpty()) {
            throw bad("directory " + dir + " contains no files to publish");
        }
        files.sort(Comparator.comparing(SourceFile::path));
        return new SourceTree(root, List.copyOf(files));
    }

    /** One directory: its files are collected, its subdirectories listed by forked tasks. */
    private static final class Listing extends RecursiveAction {
        private static final long serialVersionUID = 1L;
        private final transient Path shownRoot;
        private final transient Path realRoot;
        private final transient Set<Path> excluded;
        private final transient Path dir;
        private final transient Path realDir;
        private final String prefix;
        private final transient Set<Path> ancestors;
        private final transient ConcurrentLinkedQueue<SourceFile> out;

        Listing(Path shownRoot, Path realRoot, Set<Path> excluded, Path dir, Path realDir, String prefix,
                Set<Path> ancestors, ConcurrentLinkedQueue<SourceFile> out) {
            this.shownRoot = shownRoot;
            this.realRoot = realRoot;
            this.excluded = excluded;
            this.dir = dir;
            this.realDir = realDir;
            this.prefix = prefix;
            this.ancestors = ancestors;
            this.out = out;
        }

        @Override
        protected void compute() {
            List<Listing> subdirs = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    String rel = prefix + name;
                    if (prefix.isEmpty() && OWN_OUTPUT.matcher(name).matches()) {
                        continue;
                    }
                    checkName(rel);
                    BasicFileAttributes attrs = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    Path real = realDir.resolve(name);
                    if (attrs.isSymbolicLink()) {
                        real = linkTarget(entry, rel);
                        attrs = Files.readAttributes(real, BasicFileAttributes.class);
                    }
                    if (attrs.isDirectory()) {
                        if (excluded.contains(real)) {
                            continue;
                        }
                        if (ancestors.contains(real)) {
                            throw bad(rel + " is a symbolic link loop in " + shownRoot);
                        }
                        Set<Path> path = new HashSet<>(ancestors);
                        path.add(real);
                        subdirs.add(new Listing(shownRoot, realRoot, excluded, entry, real, rel + "/", path, out));
                    } else if (attrs.isRegularFile()) {
                        // Readability is found out by hashing, which opens every file anyway.
                        out.add(new SourceFile(rel, entry, attrs.size()));
                    } else {
                        throw bad(rel + " in " + shownRoot + " is not a regular file (device, pipe or socket)");
                    }
                }
            } catch (IOException e) {
                String where = prefix.isEmpty() ? shownRoot.toString() : prefix.substring(0, prefix.length() - 1) + " in " + shownRoot;
                throw bad("cannot read directory " + where + ": " + reason(e));
            }
            invokeAll(subdirs);
        }

        private Path linkTarget(Path link, String rel) throws IOException {
            Path target;
            try {
                target = link.toRealPath();
            } catch (NoSuchFileException e) {
                throw bad(rel + " in " + shownRoot + " is a broken symbolic link (to " + Files.readSymbolicLink(link) + ")");
            } catch (java.nio.file.FileSystemException e) {
                throw bad(rel + " in " + shownRoot + " is a symbolic link that cannot be followed: " + reason(e));
            }
            if (!target.startsWith(realRoot)) {
                throw bad(rel + " in " + shownRoot + " is a symbolic link to " + target + ", outside the directory");
            }
            return target;
        }
    }

    /** A name is published as is, but it must be expressible in a URL path and a JSON manifest. */
    private static void checkName(String rel) {
        for (int i = 0; i < rel.length(); i++) {
            char c = rel.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\' || c == '\uFFFD') {
                throw bad("cannot publish '" + rel.replaceAll("\\p{Cntrl}", "?")
                        + "': its name contains a control character, a backslash or bytes that are not UTF-8");
            }
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static HoldfastException bad(String message) {
        return new HoldfastException(ErrorKind.BAD_INPUT, message);
    }
}
