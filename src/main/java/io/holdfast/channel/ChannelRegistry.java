package io.holdfast.channel;

import io.holdfast.manifest.Channel;
import io.holdfast.manifest.ChannelName;
import io.holdfast.manifest.Documents;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reading channels: {@code channels/<name>.json}, each the current release of a channel and its history. */
public final class ChannelRegistry {
    private final BlobStore store;

    public ChannelRegistry(BlobStore store) {
        this.store = store;
    }

    /** A channel document with the version needed to move it and the store's metadata. */
    public record Stored(Channel channel, ObjectInfo info) {
        public String version() {
            return info.version();
        }
    }

    public Optional<Stored> read(ChannelName name) {
        String key = StoreKeys.channel(name);
        return store.read(key).map(v -> decode(v, key));
    }

    /** Every channel, by name; keys that are not valid channel names are skipped. */
    public List<Stored> list() {
        List<String> keys = new ArrayList<>();
        store.list(StoreKeys.CHANNELS, info -> StoreKeys.nameIn(StoreKeys.CHANNELS, info.key()).ifPresent(n -> keys.add(info.key())));
        List<Stored> out = new ArrayList<>();
        for (String key : keys) {
            String name = StoreKeys.nameIn(StoreKeys.CHANNELS, key).orElseThrow();
            try {
                ChannelName.of(name);
            } catch (RuntimeException e) {
                continue;
            }
            store.read(key).ifPresent(v -> out.add(decode(v, key)));
        }
        out.sort(java.util.Comparator.comparing(s -> s.channel().name()));
        return out;
    }

    private static Stored decode(Versioned v, String key) {
        return new Stored(Documents.decode(v.content(), Channel.class, key), v.info());
    }
}
