package io.holdfast.cli;

import io.holdfast.gc.Pins;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.store.BlobStore;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code holdfast unpin ID}: the release is subject to the retention policy again. */
@Command(name = "unpin", mixinStandardHelpOptions = true, description = "Remove a release's pin; retention applies to it again.")
public final class UnpinCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store = new StoreOptions();
    @Mixin
    OutputOptions output = new OutputOptions();
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The pinned release.")
    String id;

    @Override
    public Integer call() {
        ReleaseId release = ReleaseId.of(id);
        try (BlobStore s = store.open(false)) {
            new Pins(s, Clock.systemUTC()).unpin(release);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(output.json() ? CliJson.write(Map.of("unpinned", release.value())) : "unpinned release " + release);
        out.flush();
        return 0;
    }
}
