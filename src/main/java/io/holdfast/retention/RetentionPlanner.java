package io.holdfast.retention;

import io.holdfast.manifest.AccessReport;
import io.holdfast.manifest.Channel;
import io.holdfast.manifest.ChannelEntry;
import io.holdfast.manifest.Pin;
import io.holdfast.manifest.ReleaseId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The retention policy as a pure function: documents and a time in, a plan with reasons out. No I/O, so every
 * rule is tested by table (RetentionPlannerTest).
 *
 * <p>Rules, in the order their reasons are listed: current of a channel and pinned (never removed, whatever the
 * policy; a retired one is restored), recent channel history, newest N, committed within a period, served
 * within a period. A live release no rule keeps is retired; a retired release is deleted once it has been
 * retired for {@code retireFor}.
 */
public final class RetentionPlanner {

    private RetentionPlanner() {
    }

    public static RetentionPlan plan(RetentionInput input, RetentionPolicy policy, Instant now) {
        Map<ReleaseId, Instant> committed = new HashMap<>();
        input.live().forEach(r -> committed.merge(r.id(), r.committed(), (a, b) -> a.isAfter(b) ? a : b));
        Map<ReleaseId, Instant> retiredAt = new HashMap<>();
        input.retired().forEach(r -> retiredAt.merge(r.id(), r.retiredAt(), (a, b) -> a.isAfter(b) ? a : b));

        Map<ReleaseId, Integer> rank = newestFirstRanks(committed);
        Map<ReleaseId, List<String>> current = new HashMap<>();
        Map<ReleaseId, List<String>> history = new HashMap<>();
        input.channels().stream().sorted(Comparator.comparing(Channel::name)).forEach(c -> {
            current.computeIfAbsent(c.current(), k -> new ArrayList<>()).add("current of " + c.name());
            int position = 0;
            for (ReleaseId id : distinctHistory(c)) {
                position++;
                if (position > policy.keepChannelHistory()) {
                    break;
                }
                if (!id.equals(c.current())) {
                    history.computeIfAbsent(id, k -> new ArrayList<>()).add("history of " + c.name() + " (#" + position + ")");
                }
            }
        });
        Map<ReleaseId, Pin> pins = new HashMap<>();
        input.pins().forEach(p -> pins.put(p.release(), p));
        Map<ReleaseId, Instant> served = lastServed(input.access());

        Set<ReleaseId> ids = new TreeSet<>(committed.keySet());
        ids.addAll(retiredAt.keySet());
        List<Decision> decisions = new ArrayList<>();
        for (ReleaseId id : ids) {
            List<String> protect = new ArrayList<>(current.getOrDefault(id, List.of()));
            Pin pin = pins.get(id);
            if (pin != null) {
                protect.add(pin.reason() == null || pin.reason().isBlank() ? "pinned" : "pinned: " + pin.reason());
            }
            Instant c = committed.get(id);
            Instant r = retiredAt.get(id);
            if (c != null) {
                decisions.add(decideLive(id, c, r, protect, history.getOrDefault(id, List.of()), rank.get(id),
                        served.get(id), policy, now));
            } else if (!protect.isEmpty()) {
                decisions.add(new Decision(id, Action.RESTORE, protect, null, r));
            } else {
                Duration age = since(r, now);
                List<String> why = age.compareTo(policy.retireFor()) >= 0
                        ? List.of("retired " + Durations.approx(age) + " ago (retire-for " + Durations.format(policy.retireFor()) + ")")
                        : List.of("retired " + Durations.approx(age) + " ago, restorable for "
                                + Durations.approx(policy.retireFor().minus(age)) + " more");
                decisions.add(new Decision(id, age.compareTo(policy.retireFor()) >= 0 ? Action.DELETE : Action.KEEP_RETIRED,
                        why, null, r));
            }
        }
        // Live releases newest first, then retired ones most recently retired first.
        decisions.sort(Comparator.comparing(Decision::live)
                .thenComparing((Decision d) -> d.live() ? d.committed() : d.retiredAt())
                .thenComparing(Decision::id).reversed());
        return new RetentionPlan(now, policy, decisions, refusal(decisions, policy));
    }

    private static Decision decideLive(ReleaseId id, Instant committed, Instant retiredAt, List<String> protect,
                                       List<String> history, int rank, Instant servedAt, RetentionPolicy policy,
                                       Instant now) {
        List<String> keep = new ArrayList<>(protect);
        keep.addAll(history);
        if (rank <= policy.keepLast()) {
            keep.add("newest " + policy.keepLast());
        }
        Duration age = since(committed, now);
        if (age.compareTo(policy.keepWithin()) < 0) {
            keep.add("within " + Durations.format(policy.keepWithin()));
        }
        Duration servedAgo = servedAt == null ? null : since(servedAt, now);
        if (servedAgo != null && servedAgo.compareTo(policy.keepServedWithin()) < 0) {
            keep.add("served " + Durations.approx(servedAgo) + " ago");
        }
        if (!keep.isEmpty()) {
            if (retiredAt != null) {
                keep.add("live again: stale tombstone removed");
            }
            return new Decision(id, Action.KEEP, keep, committed, retiredAt);
        }
        List<String> why = new ArrayList<>();
        why.add("committed " + Durations.approx(age) + " ago");
        why.add("#" + rank + " by age");
        why.add(servedAgo == null ? "never served" : "last served " + Durations.approx(servedAgo) + " ago");
        return new Decision(id, Action.RETIRE, why, committed, retiredAt);
    }

    /** 1 for the newest live release; ties broken by id, the higher id counting as newer. */
    private static Map<ReleaseId, Integer> newestFirstRanks(Map<ReleaseId, Instant> committed) {
        List<ReleaseId> order = new ArrayList<>(committed.keySet());
        order.sort(Comparator.comparing((ReleaseId id) -> committed.get(id)).thenComparing(id -> id).reversed());
        Map<ReleaseId, Integer> rank = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            rank.put(order.get(i), i + 1);
        }
        return rank;
    }

    /** The channel's releases, most recent first, each once; the current release first even if history lacks it. */
    private static Set<ReleaseId> distinctHistory(Channel c) {
        Set<ReleaseId> ids = new LinkedHashSet<>();
        ids.add(c.current());
        for (ChannelEntry e : c.history()) {
            ids.add(e.release());
        }
        return ids;
    }

    private static Map<ReleaseId, Instant> lastServed(List<AccessReport> reports) {
        Map<ReleaseId, Instant> served = new TreeMap<>();
        for (AccessReport report : reports) {
            report.lastServed().forEach((id, at) -> served.merge(id, at, (a, b) -> a.isAfter(b) ? a : b));
        }
        return served;
    }

    private static Duration since(Instant then, Instant now) {
        Duration d = Duration.between(then, now);
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static String refusal(List<Decision> decisions, RetentionPolicy policy) {
        long live = decisions.stream().filter(Decision::live).count();
        long retiring = decisions.stream().filter(d -> d.action() == Action.RETIRE).count();
        if (retiring == 0) {
            return null;
        }
        String advice = "; review it with --dry-run and rerun with --force if that is intended";
        if (retiring == live) {
            return "the plan retires every live release (" + retiring + " of " + live + ")" + advice;
        }
        if (retiring > policy.maxRemoveFraction() * live) {
            return "the plan retires " + retiring + " of " + live + " live releases (" + Math.round(100.0 * retiring / live)
                    + "%), more than max-remove-fraction " + percent(policy.maxRemoveFraction()) + advice;
        }
        return null;
    }

    private static String percent(double fraction) {
        double p = fraction * 100;
        return (p == Math.rint(p) ? Long.toString(Math.round(p)) : Double.toString(p)) + "%";
    }
}
