package io.holdfast.cli;

import io.holdfast.catalog.ReleaseCatalog;
import io.holdfast.channel.ChannelRegistry;
import io.holdfast.manifest.Asset;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.store.BlobStore;
import io.holdfast.store.StoreKeys;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code holdfast show ID}: one release's manifest; {@code --json} prints it exactly as stored. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show a release: its source, channels and every file with its served name, size, type and variants.")
final class ShowCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "ID", description = "The release id.")
    String id;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ReleaseId release = ReleaseId.of(id);
        try (BlobStore s = store.open(false)) {
            ReleaseCatalog catalog = new ReleaseCatalog(s);
            if (output.json()) {
                byte[] raw = catalog.readRaw(release).orElseThrow(() -> catalog.notCommitted(release));
                out.print(new String(raw, StandardCharsets.UTF_8));
                if (raw.length == 0 || raw[raw.length - 1] != '\n') {
                    out.println();
                }
                out.flush();
                return 0;
            }
            ReleaseManifest m = catalog.require(release);
            String channels = new ChannelRegistry(s).list().stream().filter(c -> c.channel().current().equals(release))
                    .map(c -> c.channel().name().value()).collect(Collectors.joining(", "));
            out.println("release   " + m.id());
            out.println("created   " + s.head(StoreKeys.release(release)).map(i -> i.lastModified().toString()).orElse(m.created().toString()));
            if (m.source().commit() != null || m.source().branch() != null || m.source().builder() != null) {
                out.println("source    " + join("commit", m.source().commit()) + join("branch", m.source().branch())
                        + join("builder", m.source().builder()));
            }
            out.println("files     " + m.assets().size() + " (" + TextFormat.bytes(m.totalBytes()) + "), "
                    + m.digests().size() + " blobs");
            out.println("channels  " + (channels.isEmpty() ? "-" : channels));
            out.println();
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"PATH", "SERVED AS", "SIZE", "TYPE", "VARIANTS"});
            for (Asset a : m.assets()) {
                String variants = a.variants().entrySet().stream()
                        .map(e -> e.getKey() + " " + TextFormat.bytes(e.getValue().size())).collect(Collectors.joining(", "));
                rows.add(new String[] {a.path(), a.entryPoint() ? a.servedPath() + " (entry point)" : a.servedPath(),
                    TextFormat.bytes(a.size()), a.contentType(), variants.isEmpty() ? "-" : variants});
            }
            TextFormat.table(out, rows);
        }
        out.flush();
        return 0;
    }

    private static String join(String label, String value) {
        return value == null ? "" : label + " " + value + "  ";
    }
}
