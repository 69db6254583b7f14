package io.holdfast.cli;

import io.holdfast.channel.ChannelMover;
import io.holdfast.manifest.ChannelName;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.store.BlobStore;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code holdfast promote ID --channel NAME}: points a channel at a committed release. */
@Command(name = "promote", mixinStandardHelpOptions = true,
        description = {"Point a channel at a committed release (creating the channel if needed).",
            "Racing promotes both land, in some order; with --if-current the loser fails with exit 10 instead."})
final class PromoteCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "ID", description = "The release.")
    String id;

    @Option(names = "--channel", required = true, paramLabel = "NAME", description = "The channel, e.g. production.")
    String channel;

    @Option(names = "--if-current", paramLabel = "ID",
            description = "Only if the channel is at this release now (compare-and-swap from the caller's point of view).")
    String ifCurrent;

    @Override
    public Integer call() {
        ReleaseId release = ReleaseId.of(id);
        ChannelName name = ChannelName.of(channel);
        Optional<ReleaseId> expected = Optional.ofNullable(ifCurrent).map(ReleaseId::of);
        try (BlobStore s = store.open(false)) {
            ChannelMover.Move move = new ChannelMover(s, Clock.systemUTC()).promote(name, release, expected);
            ChannelOutput.print(spec.commandLine().getOut(), output.json(), move);
        }
        return 0;
    }
}
