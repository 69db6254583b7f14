package io.holdfast.cli;

import io.holdfast.catalog.ReleaseCatalog;
import io.holdfast.channel.ChannelRegistry;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.store.BlobStore;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code holdfast releases}: every committed release with its size and the channels pointing at it. */
@Command(name = "releases", mixinStandardHelpOptions = true,
        description = "List committed releases: id, commit time (store clock), files, bytes, channels.")
final class ReleasesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Mixin
    OutputOptions output;

    @Option(names = "--retired", description = "List retired releases instead (restorable until GC deletes them).")
    boolean retired;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (BlobStore s = store.open(false)) {
            ReleaseCatalog catalog = new ReleaseCatalog(s);
            List<ReleaseCatalog.Entry> entries = retired ? catalog.retired() : catalog.committed();
            Map<ReleaseId, List<String>> channels = new TreeMap<>();
            new ChannelRegistry(s).list().forEach(c ->
                    channels.computeIfAbsent(c.channel().current(), k -> new ArrayList<>()).add(c.channel().name().value()));
            List<ReleaseManifest> manifests = readAll(catalog, entries);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                ReleaseManifest m = manifests.get(i);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", entries.get(i).id().value());
                row.put("created", entries.get(i).info().lastModified().toString());
                row.put("files", m.assets().size());
                row.put("bytes", m.totalBytes());
                row.put("channels", channels.getOrDefault(entries.get(i).id(), List.of()));
                rows.add(row);
            }
            if (output.json()) {
                out.println(new String(Documents.encode(rows), StandardCharsets.UTF_8));
            } else if (rows.isEmpty()) {
                out.println(retired ? "no retired releases" : "no releases");
            } else {
                List<String[]> table = new ArrayList<>();
                table.add(new String[] {"ID", "CREATED", "FILES", "BYTES", "CHANNELS"});
                for (Map<String, Object> r : rows) {
                    @SuppressWarnings("unchecked")
                    List<String> ch = (List<String>) r.get("channels");
                    table.add(new String[] {(String) r.get("id"), (String) r.get("created"), String.valueOf(r.get("files")),
                        TextFormat.bytes((Long) r.get("bytes")), String.join(",", ch)});
                }
                TextFormat.table(out, table);
            }
        }
        out.flush();
        return 0;
    }

    /** Manifests of the listed releases, read a few at a time (a bucket of many releases costs one GET each). */
    private List<ReleaseManifest> readAll(ReleaseCatalog catalog, List<ReleaseCatalog.Entry> entries) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "holdfast-read");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<ReleaseManifest>> futures = new ArrayList<>();
            for (ReleaseCatalog.Entry e : entries) {
                futures.add(pool.submit(() -> (retired ? catalog.readRetired(e.id()) : catalog.read(e.id()))
                        .orElseGet(() -> new ReleaseManifest(ReleaseManifest.FORMAT, e.id(), e.info().lastModified(), null, List.of()))));
            }
            List<ReleaseManifest> out = new ArrayList<>();
            for (Future<ReleaseManifest> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException ex) {
                    throw ex.getCause() instanceof Exception c ? c : ex;
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
