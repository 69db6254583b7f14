package io.holdfast.manifest;

import java.time.Instant;

/** One move of a channel: which release became current, when (store time), and why. */
public record ChannelEntry(ReleaseId release, Instant at, String action) {
}
