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
import picocli.CommandLine.Spec;

/** {@code holdfast rollback --channel NAME [--to ID]}: points a channel back at an earlier release. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Point a channel back at the release it had before its last move (twice returns),",
            "or at --to ID. The target must be committed. If the channel moves meanwhile, nothing changes (exit 10)."})
final class RollbackCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Mixin
    OutputOptions output;

    @Option(names = "--channel", required = true, paramLabel = "NAME", description = "The channel.")
    String channel;

    @Option(names = "--to", paramLabel = "ID", description = "The release to go back to (default: the previous one).")
    String to;

    @Override
    public Integer call() {
        ChannelName name = ChannelName.of(channel);
        Optional<ReleaseId> target = Optional.ofNullable(to).map(ReleaseId::of);
        try (BlobStore s = store.open(false)) {
            ChannelMover.Move move = new ChannelMover(s, Clock.systemUTC()).rollback(name, target);
            ChannelOutput.print(spec.commandLine().getOut(), output.json(), move);
        }
        return 0;
    }
}
