package io.holdfast.cli;

import io.holdfast.gc.Restorer;
import io.holdfast.lease.GcGate;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.store.BlobStore;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code holdfast restore ID}: brings back a release GC retired, while its tombstone lasts. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Bring back a release that gc retired, while its tombstone lasts (see gc --retire-for).")
public final class RestoreCommand implements Callable<Integer> {
    private static final Duration LEASE_TTL = Duration.ofMinutes(10);

    @Mixin
    StoreOptions store = new StoreOptions();
    @Mixin
    OutputOptions output = new OutputOptions();
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The retired release.")
    String id;

    @Override
    public Integer call() {
        ReleaseId release = ReleaseId.of(id);
        PrintWriter err = spec.commandLine().getErr();
        ReleaseManifest m;
        try (BlobStore s = store.open(false)) {
            m = new Restorer(s, Clock.systemUTC(), LEASE_TTL, GcGate.Sleeper.REAL, msg -> {
                err.println(msg);
                err.flush();
            }).restore(release);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("restored", release.value());
            doc.put("assets", m.assets().size());
            out.println(CliJson.write(doc));
        } else {
            out.println("restored release " + release + " (" + m.assets().size() + " assets)");
        }
        out.flush();
        return 0;
    }
}
