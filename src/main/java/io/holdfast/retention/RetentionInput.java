package io.holdfast.retention;

import io.holdfast.manifest.AccessReport;
import io.holdfast.manifest.Channel;
import io.holdfast.manifest.Pin;
import java.util.List;

/** Everything retention decides from: the documents GC read, nothing else. */
public record RetentionInput(List<LiveRelease> live, List<RetiredRelease> retired, List<Channel> channels,
                             List<Pin> pins, List<AccessReport> access) {
    public RetentionInput {
        live = List.copyOf(live);
        retired = List.copyOf(retired);
        channels = List.copyOf(channels);
        pins = List.copyOf(pins);
        access = List.copyOf(access);
    }
}
