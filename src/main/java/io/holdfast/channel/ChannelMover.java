package io.holdfast.channel;

import io.holdfast.catalog.ReleaseCatalog;
import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Channel;
import io.holdfast.manifest.ChannelEntry;
import io.holdfast.manifest.ChannelName;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ConflictException;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.StoreKeys;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moving channels, always by compare-and-swap on {@code channels/<name>.json}, only ever to a committed release.
 *
 * <p>Races: "promote X" means the same thing whatever the channel points at meanwhile, so a promote that loses a
 * compare-and-swap re-reads and applies itself again (a few times): both racing promotes land, one after the
 * other, and the history records both. With {@code ifCurrent} the caller states what it saw; then a lost race is
 * reported ({@link ErrorKind#CONCURRENT_UPDATE}) instead of retried. A rollback is always relative to what was
 * current when it was read ("the previous release"), so it is never re-applied to a channel that moved meanwhile.
 *
 * <p>History times: a publish records the store's timestamp of its commit; promote and rollback have no store
 * write of their own before the move, so they record this machine's clock, never earlier than the previous
 * move. The times are for people reading the history; retention counts entries, it does not age them.
 */
public final class ChannelMover {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelMover.class);
    static final int PROMOTE_ATTEMPTS = 5;

    private final BlobStore store;
    private final Clock clock;
    private final ReleaseCatalog catalog;
    private final ChannelRegistry registry;

    public ChannelMover(BlobStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.catalog = new ReleaseCatalog(store);
        this.registry = new ChannelRegistry(store);
    }

    /** The outcome of a move: where the channel was, where it is now, and whether anything was written. */
    public record Move(ChannelName channel, Optional<ReleaseId> from, ReleaseId to, boolean changed, Channel after) {
    }

    /** Points the channel at a committed release; creates the channel if it does not exist. */
    public Move promote(ChannelName channel, ReleaseId release, Optional<ReleaseId> ifCurrent) {
        requireCommitted(release);
        return moveTo(channel, release, ifCurrent, "promote", null);
    }

    /** {@code publish --channel}: the release was just committed; {@code storeTime} is its commit's store time. */
    public Move afterPublish(ChannelName channel, ReleaseId release, Instant storeTime) {
        return moveTo(channel, release, Optional.empty(), "publish", storeTime);
    }

    /**
     * Points the channel back at the release that was current before its last move (rolling back twice returns
     * to where it started, like {@code cd -}), or at {@code to}.
     */
    public Move rollback(ChannelName channel, Optional<ReleaseId> to) {
        ChannelRegistry.Stored stored = registry.read(channel).orElseThrow(() -> new HoldfastException(
                ErrorKind.NOT_FOUND, "channel " + channel + " does not exist in " + store.describe()));
        Channel c = stored.channel();
        ReleaseId target = to.orElseGet(() -> previous(c));
        requireCommitted(target);
        if (target.equals(c.current())) {
            return new Move(channel, Optional.of(c.current()), target, false, c);
        }
        Channel after = c.movedTo(target, timeOfMove(stored, null), "rollback");
        try {
            store.compareAndSwap(StoreKeys.channel(channel), Documents.encode(after), Optional.of(stored.version()));
        } catch (ConflictException e) {
            String now = registry.read(channel).map(s -> s.channel().current().value()).orElse("deleted");
            throw new HoldfastException(ErrorKind.CONCURRENT_UPDATE, "channel " + channel
                    + " was moved by someone else while rolling back (it is now at " + now
                    + "); check 'holdfast channels' and roll back again if still wanted", e);
        }
        LOG.info("event=channel.rollback release={} channel={} from={}", target, channel, c.current());
        return new Move(channel, Optional.of(c.current()), target, true, after);
    }

    private static ReleaseId previous(Channel c) {
        for (ChannelEntry e : c.history()) {
            if (!e.release().equals(c.current())) {
                return e.release();
            }
        }
        throw new HoldfastException(ErrorKind.NOT_FOUND, "channel " + c.name() + " has no earlier release to roll back to");
    }

    private Move moveTo(ChannelName channel, ReleaseId release, Optional<ReleaseId> ifCurrent, String action,
                        Instant storeTime) {
        for (int attempt = 1; attempt <= PROMOTE_ATTEMPTS; attempt++) {
            Optional<ChannelRegistry.Stored> stored = registry.read(channel);
            Optional<ReleaseId> from = stored.map(s -> s.channel().current());
            if (ifCurrent.isPresent() && !ifCurrent.equals(from)) {
                throw new HoldfastException(ErrorKind.CONCURRENT_UPDATE, "channel " + channel + " is at "
                        + from.map(ReleaseId::value).orElse("no release") + ", not " + ifCurrent.get() + "; nothing changed");
            }
            if (from.isPresent() && from.get().equals(release)) {
                return new Move(channel, from, release, false, stored.get().channel());
            }
            Instant at = timeOfMove(stored.orElse(null), storeTime);
            Channel after = stored.map(s -> s.channel().movedTo(release, at, action))
                    .orElseGet(() -> new Channel(channel, release, java.util.List.of(new ChannelEntry(release, at, action))));
            try {
                ObjectInfo info = store.compareAndSwap(StoreKeys.channel(channel), Documents.encode(after),
                        stored.map(ChannelRegistry.Stored::version));
                LOG.info("event=channel.moved release={} channel={} from={} action={} attempt={} at={}", release, channel,
                        from.map(ReleaseId::value).orElse("-"), action, attempt, info.lastModified());
                return new Move(channel, from, release, true, after);
            } catch (ConflictException e) {
                if (ifCurrent.isPresent()) {
                    throw new HoldfastException(ErrorKind.CONCURRENT_UPDATE, "channel " + channel
                            + " was moved by someone else at the same time; nothing changed; check 'holdfast channels'", e);
                }
                LOG.info("event=channel.conflict release={} channel={} attempt={}", release, channel, attempt);
            }
        }
        throw new HoldfastException(ErrorKind.CONCURRENT_UPDATE, "channel " + channel + " kept changing while moving it to "
                + release + " (" + PROMOTE_ATTEMPTS + " attempts); retry");
    }

    private Instant timeOfMove(ChannelRegistry.Stored stored, Instant storeTime) {
        Instant t = storeTime != null ? storeTime : clock.instant();
        if (stored != null && stored.info().lastModified().isAfter(t)) {
            t = stored.info().lastModified();
        }
        return t;
    }

    private void requireCommitted(ReleaseId release) {
        if (!catalog.isCommitted(release)) {
            throw catalog.notCommitted(release);
        }
    }
}
