package io.holdfast.publish;

import io.holdfast.manifest.ChannelName;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.Source;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * One publish: the build output, the release id (empty = {@code --release auto}), an optional channel to move,
 * where the build came from, and directories inside the tree to leave out (a store that lives there).
 */
public record PublishRequest(Path dir, Optional<ReleaseId> release, Optional<ChannelName> channel, Source source,
                             Set<Path> exclude) {
    public PublishRequest {
        source = source == null ? Source.NONE : source;
        exclude = Set.copyOf(exclude);
    }

    public static PublishRequest of(Path dir, ReleaseId release) {
        return new PublishRequest(dir, Optional.of(release), Optional.empty(), Source.NONE, Set.of());
    }

    public PublishRequest withChannel(ChannelName channel) {
        return new PublishRequest(dir, release, Optional.of(channel), source, exclude);
    }
}
