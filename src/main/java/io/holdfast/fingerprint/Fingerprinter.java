package io.holdfast.fingerprint;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides the served name of every file and rewrites references inside CSS and JS to those names.
 *
 * <p>A rewritten file's fingerprint is the digest of its rewritten bytes, so a file is named only after every file
 * it references has its final name: files are processed in dependency order (strongly connected components,
 * dependencies first). Files that reference each other in a cycle cannot each be named after their final bytes;
 * they get names derived from one digest over the cycle's original contents and the names of everything the
 * cycle references outside itself, so equal names still mean equal bytes.
 *
 * <p>A file a bundler already content-hashed keeps its name unless rewriting changes its bytes: then its name
 * no longer pins its content, and it is fingerprinted like any other file.
 */
public final class Fingerprinter {
    /** Larger CSS/JS files are published as they are: rewriting holds the text in memory. */
    public static final long MAX_REWRITE_BYTES = 64L * 1024 * 1024;
    /** How much of a JS file's end is searched for its sourceMappingURL comment. */
    static final int JS_TAIL_BYTES = 4096;

    private final EntryPoints entryPoints;
    private final String prefix;
    private final Set<String> forceFingerprint;
    private final ReferenceCache cache;

    /**
     * @param entryPoints      files that keep their names
     * @param prefix           URL path the tree is served under, {@code ""} or ending in '/'; root-relative
     *                         references must start with it to resolve
     * @param forceFingerprint paths that look content-hashed but must be fingerprinted anyway (an earlier release
     *                         served other bytes under that name)
     */
    public Fingerprinter(EntryPoints entryPoints, String prefix, Set<String> forceFingerprint) {
        this(entryPoints, prefix, forceFingerprint, ReferenceCache.NONE);
    }

    /** @param cache scan results of contents seen before: a file found there is read only if it must be rewritten */
    public Fingerprinter(EntryPoints entryPoints, String prefix, Set<String> forceFingerprint, ReferenceCache cache) {
        this.entryPoints = entryPoints;
        this.prefix = prefix;
        this.forceFingerprint = Set.copyOf(forceFingerprint);
        this.cache = cache;
    }

    /** The outcome: one entry per input, in input order, and a note per reference that could not be resolved. */
    public record Result(List<FingerprintedFile> files, List<String> unresolved) {
    }

    public Result fingerprint(List<SourceAsset> assets) {
        Map<String, Node> nodes = new LinkedHashMap<>(assets.size() * 2);
        Set<String> digitHashed = HashedNames.digitOnlyHashes(assets.stream().map(SourceAsset::path).toList());
        for (SourceAsset a : assets) {
            nodes.put(a.path(), new Node(a, classify(a.path(), digitHashed)));
        }
        List<String> unresolved = java.util.Collections.synchronizedList(new ArrayList<>());
        // Scanning reads files: in parallel. Linking needs every node, so it only reads the map.
        nodes.values().parallelStream()
                .filter(n -> n.kind != ReferenceScanner.Kind.NONE && n.source.size() <= MAX_REWRITE_BYTES)
                .forEach(n -> scan(n, nodes, unresolved));
        for (Node n : nodes.values()) {
            if (!n.scanned) {
                n.finish(n.source.digest(), null, n.naming == Naming.FINGERPRINT
                        ? FingerprintedNames.fingerprinted(n.source.path(), n.source.digest().hex()) : n.source.path());
            }
        }
        for (List<Node> component : new Components(nodes).inDependencyOrder()) {
            if (component.size() == 1 && !component.get(0).dependsOn.contains(component.get(0))) {
                nameAfterRewrite(component.get(0));
            } else {
                nameCycle(component);
            }
        }
        List<FingerprintedFile> out = new ArrayList<>(nodes.size());
        Map<String, FingerprintedFile> byServed = new HashMap<>(nodes.size() * 2);
        for (Node n : nodes.values()) {
            FingerprintedFile f = new FingerprintedFile(n.source.path(), n.servedPath, n.digest,
                    n.rewritten != null ? n.rewritten.length : n.source.size(), n.naming == Naming.ENTRY_POINT, n.rewritten);
            FingerprintedFile clash = byServed.putIfAbsent(f.servedPath(), f);
            if (clash != null && !clash.digest().equals(f.digest())) {
                throw new HoldfastException(ErrorKind.BAD_INPUT, "files " + clash.path() + " and " + f.path()
                        + " would both be served as " + f.servedPath() + " with different content; rename one");
            }
            out.add(f);
        }
        unresolved.sort(null);
        return new Result(out, List.copyOf(unresolved));
    }

    private enum Naming { ENTRY_POINT, ALREADY_HASHED, FINGERPRINT }

    private Naming classify(String path, Set<String> digitHashed) {
        if (entryPoints.matches(path)) {
            return Naming.ENTRY_POINT;
        }
        if ((HashedNames.isContentHashed(path) || digitHashed.contains(path)) && !forceFingerprint.contains(path)) {
            return Naming.ALREADY_HASHED;
        }
        return Naming.FINGERPRINT;
    }

    /**
     * Finds a CSS/JS file's references and links it to the files they name. A JS file's only reference is the
     * sourceMappingURL comment at its end, so only its tail is read; the whole file is read again only if a
     * name in it changes.
     */
    private void scan(Node n, Map<String, Node> nodes, List<String> unresolved) {
        List<Reference> found = cache.find(n.source.digest(), n.kind);
        if (found == null) {
            found = read(n);
            cache.remember(n.source.digest(), n.kind, found);
        }
        n.references = new ArrayList<>();
        n.dependsOn = new java.util.LinkedHashSet<>();
        for (Reference r : found) {
            Optional<String> target = UrlPaths.resolve(n.source.path(), r.rawPath(), prefix);
            Node t = target.map(nodes::get).orElse(null);
            if (t == null) {
                unresolved.add(n.source.path() + " references " + UrlPaths.decode(r.rawPath()) + ", which is not in the tree");
                continue;
            }
            n.references.add(new Link(r, t));
            if (t.naming != Naming.ENTRY_POINT) {
                n.dependsOn.add(t);
            }
        }
        // A file that references nothing renameable is final as it is.
        n.scanned = !n.dependsOn.isEmpty();
        if (!n.scanned) {
            n.text = null;
        }
    }

    /** Reads and scans a file: a JS file's tail only, a CSS file whole (kept for the rewrite). */
    private static List<Reference> read(Node n) {
        String text;
        int offset;
        try {
            if (n.kind == ReferenceScanner.Kind.JS) {
                byte[] tail = n.source.content().readTail(JS_TAIL_BYTES);
                text = new String(tail, StandardCharsets.ISO_8859_1);
                offset = (int) (n.source.size() - tail.length);
            } else {
                text = new String(readWhole(n), StandardCharsets.ISO_8859_1);
                n.text = text;
                offset = 0;
            }
        } catch (IOException e) {
            throw new HoldfastException(ErrorKind.BAD_INPUT, "cannot read " + n.source.path() + ": " + e.getMessage(), e);
        }
        List<Reference> refs = ReferenceScanner.scan(text, n.kind);
        if (offset == 0) {
            return refs;
        }
        List<Reference> shifted = new ArrayList<>(refs.size());
        for (Reference r : refs) {
            shifted.add(new Reference(r.start() + offset, r.end() + offset, r.rawPath()));
        }
        return shifted;
    }

    /** The whole file, checked against the digest it was published under: it must not change meanwhile. */
    private static byte[] readWhole(Node n) throws IOException {
        byte[] bytes = n.source.content().read();
        if (bytes.length != n.source.size() || !Digest.of(bytes).equals(n.source.digest())) {
            throw new HoldfastException(ErrorKind.BAD_INPUT, n.source.path() + " changed while it was being published");
        }
        return bytes;
    }

    private void nameAfterRewrite(Node n) {
        byte[] rewritten = rewrite(n);
        Digest digest = rewritten == null ? n.source.digest() : Digest.of(rewritten);
        boolean fingerprint = n.naming == Naming.FINGERPRINT || (n.naming == Naming.ALREADY_HASHED && rewritten != null);
        n.finish(digest, rewritten, fingerprint ? FingerprintedNames.fingerprinted(n.source.path(), digest.hex()) : n.source.path());
    }

    private void nameCycle(List<Node> component) {
        Set<Node> members = new HashSet<>(component);
        TreeMap<String, String> key = new TreeMap<>();
        TreeSet<String> outside = new TreeSet<>();
        for (Node m : component) {
            key.put(m.source.path(), m.source.digest().hex());
            for (Node d : m.dependsOn) {
                if (!members.contains(d)) {
                    outside.add(d.source.path() + "\0" + d.servedPath);
                }
            }
        }
        MessageDigest sha = sha256();
        key.forEach((path, hex) -> sha.update((path + "\0" + hex + "\n").getBytes(StandardCharsets.UTF_8)));
        outside.forEach(o -> sha.update((o + "\n").getBytes(StandardCharsets.UTF_8)));
        byte[] cycleKey = sha.digest();
        for (Node m : component) {
            if (m.naming == Naming.ENTRY_POINT) {
                m.servedPath = m.source.path();
            } else {
                MessageDigest own = sha256();
                own.update(cycleKey);
                own.update(m.source.path().getBytes(StandardCharsets.UTF_8));
                m.servedPath = FingerprintedNames.fingerprinted(m.source.path(), Digest.ofBytes(own.digest()).hex());
            }
        }
        for (Node m : component) {
            byte[] rewritten = rewrite(m);
            m.finish(rewritten == null ? m.source.digest() : Digest.of(rewritten), rewritten, m.servedPath);
        }
    }

    /** The file with every resolved reference renamed; null if nothing changed. */
    private static byte[] rewrite(Node n) {
        if (n.text == null) {
            try {
                n.text = new String(readWhole(n), StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                throw new HoldfastException(ErrorKind.BAD_INPUT, "cannot read " + n.source.path() + ": " + e.getMessage(), e);
            }
        }
        try {
            return spliced(n);
        } finally {
            n.text = null;
        }
    }

    private static byte[] spliced(Node n) {
        StringBuilder out = new StringBuilder(n.text.length() + 32 * n.references.size());
        int at = 0;
        boolean changed = false;
        for (Link link : n.references) {
            Node t = link.target;
            if (t.servedPath.equals(t.source.path())) {
                continue;
            }
            String raw = link.ref.rawPath();
            String replacement = renamed(raw, t.source.path(), t.servedPath);
            out.append(n.text, at, link.ref.start()).append(replacement);
            at = link.ref.end();
            changed = true;
        }
        if (!changed) {
            return null;
        }
        out.append(n.text, at, n.text.length());
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * The reference with its last segment renamed. The fingerprint is inserted into the text as written, so
     * directory parts, percent-encoding and style stay as the author wrote them; a last segment that does not
     * spell the file's name plainly is replaced by the encoded served name.
     */
    static String renamed(String raw, String targetPath, String targetServedPath) {
        int slash = raw.lastIndexOf('/');
        String rawName = raw.substring(slash + 1);
        String name = targetPath.substring(targetPath.lastIndexOf('/') + 1);
        String servedName = targetServedPath.substring(targetServedPath.lastIndexOf('/') + 1);
        String hex = servedName.substring(FingerprintedNames.extensionStart(name) + 1,
                FingerprintedNames.extensionStart(name) + 1 + FingerprintedNames.HEX_LENGTH);
        String candidate = FingerprintedNames.insert(rawName, hex);
        if (!UrlPaths.decode(candidate).equals(servedName)) {
            candidate = UrlPaths.encodeSegment(servedName);
        }
        return raw.substring(0, slash + 1) + candidate;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Link(Reference ref, Node target) {
    }

    private static final class Node {
        final SourceAsset source;
        final Naming naming;
        final ReferenceScanner.Kind kind;
        // Only CSS/JS files have references: allocated for them alone (a tree may hold 100,000 images).
        List<Link> references = List.of();
        Set<Node> dependsOn = Set.of();
        volatile String text;
        volatile boolean scanned;
        String servedPath;
        Digest digest;
        byte[] rewritten;
        // Tarjan bookkeeping
        int index = -1;
        int low;
        boolean onStack;

        Node(SourceAsset source, Naming naming) {
            this.source = source;
            this.naming = naming;
            this.kind = ReferenceScanner.kindOf(source.path());
        }

        void finish(Digest d, byte[] bytes, String served) {
            this.digest = d;
            this.rewritten = bytes;
            this.servedPath = served;
        }
    }

    /** Tarjan's algorithm over the files that were read; emits components dependencies-first. */
    private static final class Components {
        private final Collection<Node> nodes;
        private final Deque<Node> stack = new ArrayDeque<>();
        private final List<List<Node>> out = new ArrayList<>();
        private int next;

        Components(Map<String, Node> nodes) {
            this.nodes = nodes.values();
        }

        List<List<Node>> inDependencyOrder() {
            for (Node n : nodes) {
                if (n.scanned && n.index < 0) {
                    visit(n);
                }
            }
            return out;
        }

        private void visit(Node v) {
            v.index = next;
            v.low = next;
            next++;
            stack.push(v);
            v.onStack = true;
            for (Node w : v.dependsOn) {
                if (!w.scanned) {
                    continue; // named already: it references nothing renameable
                }
                if (w.index < 0) {
                    visit(w);
                    v.low = Math.min(v.low, w.low);
                } else if (w.onStack) {
                    v.low = Math.min(v.low, w.index);
                }
            }
            if (v.low == v.index) {
                List<Node> component = new ArrayList<>();
                Node w;
                do {
                    w = stack.pop();
                    w.onStack = false;
                    component.add(w);
                } while (w != v);
                out.add(component);
            }
        }
    }
}
