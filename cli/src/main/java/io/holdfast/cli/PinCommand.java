package io.holdfast.cli;

import io.holdfast.gc.Pins;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.store.BlobStore;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code holdfast pin ID [--reason TEXT]}: GC keeps the release whatever the policy says. */
@Command(name = "pin", mixinStandardHelpOptions = true,
        description = "Keep a release whatever the retention policy says (a retired one is restored by the next gc).")
public final class PinCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store = new StoreOptions();
    @Mixin
    OutputOptions output = new OutputOptions();
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The release to pin.")
    String id;
    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, shown in gc plans (e.g. \"incident 42\").")
    String reason;

    @Override
    public Integer call() {
        ReleaseId release = ReleaseId.of(id);
        Pins.Found found;
        try (BlobStore s = store.open(false)) {
            found = new Pins(s, Clock.systemUTC()).pin(release, reason);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("pinned", release.value());
            doc.put("reason", reason);
            doc.put("retired", found == Pins.Found.RETIRED);
            out.println(CliJson.write(doc));
        } else {
            out.println("pinned release " + release + (reason == null ? "" : ": " + reason));
            if (found == Pins.Found.RETIRED) {
                out.println("release " + release + " is retired: the next gc restores it, or run 'holdfast restore " + release + "' now");
            }
        }
        out.flush();
        return 0;
    }
}
