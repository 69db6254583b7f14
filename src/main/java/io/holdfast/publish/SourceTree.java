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
        return scan(dir, exclude, threads, false);
    }

    /**
     * Walks {@code dir}.
     *
     * @param withStat also record each file's {@link SourceFile.FileStat} (for the {@link HashIndex}); the same
     *                 one system call per file either way
     */
    public static SourceTree scan(Path dir, Set<Path> exclude, int threads, boolean withStat) {
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
            pool.invoke(new Listing(dir, realRoot, excluded, root, realRoot, "", Set.of(realRoot), found, withStat && Attributes.UNIX));
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
        private final boolean withStat;

        Listing(Path shownRoot, Path realRoot, Set<Path> excluded, Path dir, Path realDir, String prefix,
                Set<Path> ancestors, ConcurrentLinkedQueue<SourceFile> out, boolean withStat) {
            this.withStat = withStat;
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
                    Attributes attrs = Attributes.read(entry, withStat, LinkOption.NOFOLLOW_LINKS);
                    Path real = realDir.resolve(name);
                    if (attrs.isSymbolicLink()) {
                        real = linkTarget(entry, rel);
                        attrs = Attributes.read(real, withStat);
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
                        subdirs.add(new Listing(shownRoot, realRoot, excluded, entry, real, rel + "/", path, out, withStat));
                    } else if (attrs.isRegularFile()) {
                        // Readability is found out by hashing, which opens every file anyway.
                        out.add(new SourceFile(rel, entry, attrs.size(), attrs.stat()));
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

    /**
     * What the walk needs of one directory entry. With a stat, the "unix" attribute view is read (Linux, macOS: the
     * same single stat call, plus the status-change time and inode that {@link BasicFileAttributes} lacks).
     */
    private record Attributes(boolean isSymbolicLink, boolean isDirectory, boolean isRegularFile, long size,
                              SourceFile.FileStat stat) {
        static final boolean UNIX = java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("unix");
        private static final String UNIX_ATTRS = "unix:isSymbolicLink,isDirectory,isRegularFile,size,lastModifiedTime,ctime,ino,dev";

        static Attributes read(Path p, boolean withStat, LinkOption... options) throws IOException {
            if (!withStat) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, options);
                return new Attributes(a.isSymbolicLink(), a.isDirectory(), a.isRegularFile(), a.size(), null);
            }
            java.util.Map<String, Object> a = Files.readAttributes(p, UNIX_ATTRS, options);
            SourceFile.FileStat stat = new SourceFile.FileStat(nanos(a.get("lastModifiedTime")), nanos(a.get("ctime")),
                    a.get("ino") instanceof Long l ? l : -1, a.get("dev") instanceof Long l ? l : -1);
            return new Attributes((Boolean) a.get("isSymbolicLink"), (Boolean) a.get("isDirectory"),
                    (Boolean) a.get("isRegularFile"), (Long) a.get("size"), stat);
        }

        private static long nanos(Object time) {
            return time instanceof java.nio.file.attribute.FileTime t ? t.to(java.util.concurrent.TimeUnit.NANOSECONDS) : -1;
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
