package io.holdfast.cli;

import io.holdfast.catalog.ReleaseCatalog;
import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ManifestCheck;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.store.BlobStore;
import io.holdfast.verify.Verifier;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code holdfast verify [ID]}: every blob of a release (or of all releases) exists and is what it should be. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check that every blob a release references exists, hashes to its digest and has its size,",
            "and that every br/gzip variant decodes to its asset. Without ID: every committed release.",
            "Exits 12 (DAMAGED) with the list of damage if anything is wrong."})
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The release to verify (default: all).")
    String id;

    @Option(names = "--threads", defaultValue = "8", paramLabel = "N", description = "Blobs checked at once (default ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Verifier.Report report;
        // Manifests that cannot be read or must not be trusted: reported, and the others still checked.
        List<Map<String, Object>> manifestProblems = new ArrayList<>();
        try (BlobStore s = store.open(false)) {
            ReleaseCatalog catalog = new ReleaseCatalog(s);
            List<ReleaseManifest> manifests = new ArrayList<>();
            if (id != null) {
                manifests.add(catalog.require(ReleaseId.of(id)));
            } else {
                for (ReleaseCatalog.Entry e : catalog.committed()) {
                    try {
                        catalog.read(e.id()).ifPresent(manifests::add);
                    } catch (HoldfastException unreadable) {
                        manifestProblems.add(problem(e.id(), "unreadable", unreadable.getMessage()));
                    }
                }
            }
            for (ReleaseManifest m : manifests) {
                ManifestCheck.problems(m).forEach(p -> manifestProblems.add(problem(m.id(), "untrusted", p)));
            }
            report = new Verifier(s, threads).verify(manifests);
        }
        if (output.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("releases", report.releases());
            doc.put("blobs", report.blobs());
            doc.put("bytes", report.bytes());
            doc.put("manifestProblems", manifestProblems);
            doc.put("damage", report.damage().stream().map(d -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("release", d.release().value());
                m.put("path", d.path());
                m.put("encoding", d.encoding());
                m.put("digest", d.digest().hex());
                m.put("problem", d.problem().name());
                m.put("detail", d.detail());
                return m;
            }).toList());
            out.println(new String(Documents.encode(doc), StandardCharsets.UTF_8));
        } else if (report.ok() && manifestProblems.isEmpty()) {
            out.println("verified " + report.releases() + " release" + (report.releases() == 1 ? "" : "s") + ", "
                    + report.blobs() + " blobs (" + TextFormat.bytes(report.bytes()) + "): no damage");
        } else {
            manifestProblems.forEach(p -> out.println("release " + p.get("release") + ": manifest " + p.get("kind") + ": "
                    + Main.oneLine(String.valueOf(p.get("problem")))));
            report.damage().forEach(d -> out.println(d.toString()));
        }
        out.flush();
        if (!report.ok() || !manifestProblems.isEmpty()) {
            long releases = java.util.stream.Stream.concat(report.damage().stream().map(d -> d.release().value()),
                    manifestProblems.stream().map(p -> String.valueOf(p.get("release")))).distinct().count();
            String blobs = report.damage().size() + " damaged blob reference" + (report.damage().size() == 1 ? "" : "s");
            String docs = manifestProblems.isEmpty() ? "" : manifestProblems.size() + " manifest problem"
                    + (manifestProblems.size() == 1 ? "" : "s") + " and ";
            throw new HoldfastException(ErrorKind.DAMAGED, docs + blobs + " in " + releases + " release"
                    + (releases == 1 ? "" : "s") + (output.json() ? "" : " (listed above)"));
        }
        return 0;
    }

    private static Map<String, Object> problem(ReleaseId release, String kind, String problem) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("release", release.value());
        m.put("kind", kind);
        m.put("problem", problem);
        return m;
    }
}
