package io.holdfast.manifest;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code channels/<name>.json}: the current release of a channel and its history, newest first.
 * Changed only by compare-and-swap.
 */
public record Channel(ChannelName name, ReleaseId current, List<ChannelEntry> history) {
    /** History entries kept in the document; retention decides separately how many are live. */
    public static final int MAX_HISTORY = 100;

    public Channel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(current, "current");
        history = List.copyOf(history);
    }

    /** The channel after moving to {@code release}, with the move recorded at the head of the history. */
    public Channel movedTo(ReleaseId release, java.time.Instant at, String action) {
        List<ChannelEntry> h = new ArrayList<>();
        h.add(new ChannelEntry(release, at, action));
        h.addAll(history.subList(0, Math.min(history.size(), MAX_HISTORY - 1)));
        return new Channel(name, release, h);
    }

    public static Channel first(ChannelName name, ReleaseId release, java.time.Instant at) {
        return new Channel(name, release, List.of(new ChannelEntry(release, at, "promote")));
    }
}
