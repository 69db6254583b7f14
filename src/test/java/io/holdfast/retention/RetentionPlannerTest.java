package io.holdfast.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.holdfast.manifest.AccessReport;
import io.holdfast.manifest.Channel;
import io.holdfast.manifest.ChannelEntry;
import io.holdfast.manifest.ChannelName;
import io.holdfast.manifest.Pin;
import io.holdfast.manifest.ReleaseId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Golden cases: releases, channels, pins, access reports and a policy in; the exact plan with reasons out. */
class RetentionPlannerTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant NOW = T0.plus(Duration.ofDays(30));

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("empty store", new Case(), """
                        """),

                Arguments.of("default policy, a month of daily releases", month(), """
                        keep 30: current of production; newest 10; within 7d
                        keep 29: history of production (#2); newest 10; within 7d
                        keep 28: current of staging; newest 10; within 7d
                        keep 27: history of production (#3); newest 10; within 7d
                        keep 26: newest 10; within 7d
                        keep 25: newest 10; within 7d
                        keep 24: newest 10; within 7d
                        keep 23: newest 10
                        keep 22: newest 10
                        keep 21: newest 10
                        keep 20: history of production (#4)
                        retire 19: committed 11d ago; #12 by age; never served
                        keep 18: served 3h ago
                        retire 17: committed 13d ago; #14 by age; last served 8d ago
                        retire 16: committed 14d ago; #15 by age; never served
                        retire 15: committed 15d ago; #16 by age; never served
                        retire 14: committed 16d ago; #17 by age; never served
                        retire 13: committed 17d ago; #18 by age; never served
                        retire 12: committed 18d ago; #19 by age; never served
                        retire 11: committed 19d ago; #20 by age; never served
                        retire 10: committed 20d ago; #21 by age; never served
                        keep 9: history of staging (#2)
                        retire 8: committed 22d ago; #23 by age; never served
                        retire 7: committed 23d ago; #24 by age; never served
                        retire 6: committed 24d ago; #25 by age; never served
                        retire 5: committed 25d ago; #26 by age; never served
                        retire 4: committed 26d ago; #27 by age; never served
                        keep 3: history of production (#5)
                        keep 2: pinned: incident 42
                        retire 1: committed 29d ago; #30 by age; never served
                        """),

                Arguments.of("one more retirement than the fraction allows is refused", month().policy("keep-channel-history", "4"), """
                        keep 30: current of production; newest 10; within 7d
                        keep 29: history of production (#2); newest 10; within 7d
                        keep 28: current of staging; newest 10; within 7d
                        keep 27: history of production (#3); newest 10; within 7d
                        keep 26: newest 10; within 7d
                        keep 25: newest 10; within 7d
                        keep 24: newest 10; within 7d
                        keep 23: newest 10
                        keep 22: newest 10
                        keep 21: newest 10
                        keep 20: history of production (#4)
                        retire 19: committed 11d ago; #12 by age; never served
                        keep 18: served 3h ago
                        retire 17: committed 13d ago; #14 by age; last served 8d ago
                        retire 16: committed 14d ago; #15 by age; never served
                        retire 15: committed 15d ago; #16 by age; never served
                        retire 14: committed 16d ago; #17 by age; never served
                        retire 13: committed 17d ago; #18 by age; never served
                        retire 12: committed 18d ago; #19 by age; never served
                        retire 11: committed 19d ago; #20 by age; never served
                        retire 10: committed 20d ago; #21 by age; never served
                        keep 9: history of staging (#2)
                        retire 8: committed 22d ago; #23 by age; never served
                        retire 7: committed 23d ago; #24 by age; never served
                        retire 6: committed 24d ago; #25 by age; never served
                        retire 5: committed 25d ago; #26 by age; never served
                        retire 4: committed 26d ago; #27 by age; never served
                        retire 3: committed 27d ago; #28 by age; never served
                        keep 2: pinned: incident 42
                        retire 1: committed 29d ago; #30 by age; never served
                        refused: the plan retires 16 of 30 live releases (53%), more than max-remove-fraction 50%; review it with --dry-run and rerun with --force if that is intended
                        """),

                Arguments.of("zero policy keeps only channel currents and pins", month().pin("25", "").policy(
                        "keep-last", "0", "keep-within", "0s", "keep-channel-history", "0", "keep-served-within", "0s",
                        "max-remove-fraction", "1"), """
                        keep 30: current of production
                        retire 29: committed 1d ago; #2 by age; never served
                        keep 28: current of staging
                        retire 27: committed 3d ago; #4 by age; never served
                        retire 26: committed 4d ago; #5 by age; never served
                        keep 25: pinned
                        retire 24: committed 6d ago; #7 by age; never served
                        retire 23: committed 7d ago; #8 by age; never served
                        retire 22: committed 8d ago; #9 by age; never served
                        retire 21: committed 9d ago; #10 by age; never served
                        retire 20: committed 10d ago; #11 by age; never served
                        retire 19: committed 11d ago; #12 by age; never served
                        retire 18: committed 12d ago; #13 by age; last served 3h ago
                        retire 17: committed 13d ago; #14 by age; last served 8d ago
                        retire 16: committed 14d ago; #15 by age; never served
                        retire 15: committed 15d ago; #16 by age; never served
                        retire 14: committed 16d ago; #17 by age; never served
                        retire 13: committed 17d ago; #18 by age; never served
                        retire 12: committed 18d ago; #19 by age; never served
                        retire 11: committed 19d ago; #20 by age; never served
                        retire 10: committed 20d ago; #21 by age; never served
                        retire 9: committed 21d ago; #22 by age; never served
                        retire 8: committed 22d ago; #23 by age; never served
                        retire 7: committed 23d ago; #24 by age; never served
                        retire 6: committed 24d ago; #25 by age; never served
                        retire 5: committed 25d ago; #26 by age; never served
                        retire 4: committed 26d ago; #27 by age; never served
                        retire 3: committed 27d ago; #28 by age; never served
                        keep 2: pinned: incident 42
                        retire 1: committed 29d ago; #30 by age; never served
                        """),

                Arguments.of("retiring every release is refused even at fraction 1", new Case()
                        .live("a", 3).live("b", 2).policy("keep-last", "0", "keep-within", "0s", "max-remove-fraction", "1"), """
                        retire a: committed 27d ago; #1 by age; never served
                        retire b: committed 28d ago; #2 by age; never served
                        refused: the plan retires every live release (2 of 2); review it with --dry-run and rerun with --force if that is intended
                        """),

                Arguments.of("fraction at the limit is allowed", new Case()
                        .live("1", 1).live("2", 2).live("3", 3).live("4", 4).policy("keep-last", "2", "keep-within", "0s"), """
                        keep 4: newest 2
                        keep 3: newest 2
                        retire 2: committed 28d ago; #3 by age; never served
                        retire 1: committed 29d ago; #4 by age; never served
                        """),

                Arguments.of("fraction above the limit is refused", new Case()
                        .live("1", 1).live("2", 2).live("3", 3).live("4", 4).policy("keep-last", "1", "keep-within", "0s",
                                "max-remove-fraction", "60%"), """
                        keep 4: newest 1
                        retire 3: committed 27d ago; #2 by age; never served
                        retire 2: committed 28d ago; #3 by age; never served
                        retire 1: committed 29d ago; #4 by age; never served
                        refused: the plan retires 3 of 4 live releases (75%), more than max-remove-fraction 60%; review it with --dry-run and rerun with --force if that is intended
                        """),

                Arguments.of("tombstones: kept, expired, restored when current or pinned", new Case()
                        .live("9", 29)
                        .retired("1", 22).retired("2", 23).retired("3", 28).retired("4", 20).retired("5", 29)
                        .channel("production", "9", "9", "3", "9").channel("docs", "5")
                        .pin("4", "legal hold"), """
                        keep 9: current of production; newest 10; within 7d
                        restore 5: current of docs
                        retire-kept 3: retired 2d ago, restorable for 5d more
                        delete 2: retired 7d ago (retire-for 7d)
                        delete 1: retired 8d ago (retire-for 7d)
                        restore 4: pinned: legal hold
                        """),

                Arguments.of("retire-for 0 deletes every unprotected tombstone", new Case()
                        .live("9", 29).retired("1", 29).retired("2", 29)
                        .policy("retire-for", "0s"), """
                        keep 9: newest 10; within 7d
                        delete 2: retired 1d ago (retire-for 0s)
                        delete 1: retired 1d ago (retire-for 0s)
                        """),

                Arguments.of("a release both live and retired is decided as live", new Case()
                        .live("new", 29).live("7", 28).retired("7", 25).live("old", 2).retired("old", 3)
                        .policy("keep-last", "2", "max-remove-fraction", "1"), """
                        keep new: newest 2; within 7d
                        keep 7: newest 2; within 7d; live again: stale tombstone removed
                        retire old: committed 28d ago; #3 by age; never served
                        """),

                Arguments.of("channel history counts distinct releases, newest first", new Case()
                        .live("3", 10).live("4", 11).live("5", 12).live("6", 13)
                        .channel("production", "5", "5", "6", "5", "4", "3")
                        .policy("keep-last", "0", "keep-within", "0s", "keep-channel-history", "3", "max-remove-fraction", "1"), """
                        keep 6: history of production (#2)
                        keep 5: current of production
                        keep 4: history of production (#3)
                        retire 3: committed 20d ago; #4 by age; never served
                        """),

                Arguments.of("latest report of any origin counts; reports from the future count as now", new Case()
                        .live("a", 1).live("b", 1).live("c", 1)
                        .served("edge-1", "a", Duration.ofDays(10)).served("edge-2", "a", Duration.ofHours(5))
                        .served("edge-1", "b", Duration.ofHours(-2)).served("edge-2", "c", Duration.ofDays(9))
                        .policy("keep-last", "0", "keep-within", "0s", "keep-served-within", "1d", "max-remove-fraction", "1"), """
                        retire c: committed 29d ago; #1 by age; last served 9d ago
                        keep b: served 0s ago
                        keep a: served 5h ago
                        """),

                Arguments.of("equal commit times rank by id; an unknown channel target is ignored", new Case()
                        .live("10", 5).live("9", 5).live("11", 5).channel("production", "99")
                        .policy("keep-last", "2", "keep-within", "1d", "max-remove-fraction", "1"), """
                        keep 11: newest 2
                        keep 10: newest 2
                        retire 9: committed 25d ago; #3 by age; never served
                        """));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void planMatchesGolden(String name, Case c, String expected) {
        RetentionPlan plan = RetentionPlanner.plan(c.input(), c.policy, NOW);
        assertEquals(expected, render(plan), name);
    }

    /** One line per release, "action id: reasons", then the refusal if any. */
    static String render(RetentionPlan plan) {
        StringBuilder sb = new StringBuilder();
        for (Decision d : plan.decisions()) {
            String action = d.action() == Action.KEEP_RETIRED ? "retire-kept" : d.action().label();
            sb.append(action).append(' ').append(d.id()).append(": ").append(String.join("; ", d.reasons())).append('\n');
        }
        plan.refused().ifPresent(r -> sb.append("refused: ").append(r).append('\n'));
        return sb.toString();
    }

    /**
     * Thirty daily releases (id n committed on day n); production: 30 current, then 29, 27, 20 in its history;
     * staging: 28 current, 9 before; 2 pinned; 18 served 3h ago, 17 served 8d ago.
     */
    private static Case month() {
        Case c = new Case();
        for (int day = 1; day <= 30; day++) {
            c.live(Integer.toString(day), day);
        }
        return c.channel("production", "30", "30", "29", "27", "20", "3", "2")
                .channel("staging", "28", "28", "9")
                .pin("2", "incident 42")
                .served("edge-1", "18", Duration.ofHours(3))
                .served("edge-2", "17", Duration.ofDays(8));
    }

    /** A case under construction; times are days after T0 (NOW is day 30). */
    static final class Case {
        final List<LiveRelease> live = new ArrayList<>();
        final List<RetiredRelease> retired = new ArrayList<>();
        final List<Channel> channels = new ArrayList<>();
        final List<Pin> pins = new ArrayList<>();
        final Map<String, Map<ReleaseId, Instant>> served = new LinkedHashMap<>();
        RetentionPolicy policy = RetentionPolicy.DEFAULT;

        Case live(String id, int day) {
            live.add(new LiveRelease(ReleaseId.of(id), T0.plus(Duration.ofDays(day))));
            return this;
        }

        Case retired(String id, int day) {
            retired.add(new RetiredRelease(ReleaseId.of(id), T0.plus(Duration.ofDays(day))));
            return this;
        }

        /** A channel whose current release is {@code current} and whose history lists {@code history}, newest first. */
        Case channel(String name, String current, String... history) {
            List<ChannelEntry> entries = new ArrayList<>();
            for (String h : history) {
                entries.add(new ChannelEntry(ReleaseId.of(h), T0, "promote"));
            }
            channels.add(new Channel(ChannelName.of(name), ReleaseId.of(current), entries));
            return this;
        }

        Case pin(String id, String reason) {
            pins.add(new Pin(ReleaseId.of(id), reason, T0));
            return this;
        }

        Case served(String origin, String id, Duration ago) {
            served.computeIfAbsent(origin, k -> new LinkedHashMap<>()).put(ReleaseId.of(id), NOW.minus(ago));
            return this;
        }

        Case policy(String... keyValues) {
            Map<String, String> settings = new LinkedHashMap<>();
            for (int i = 0; i < keyValues.length; i += 2) {
                settings.put(keyValues[i], keyValues[i + 1]);
            }
            policy = RetentionPolicy.DEFAULT.with(settings, "test");
            return this;
        }

        RetentionInput input() {
            List<AccessReport> reports = new ArrayList<>();
            served.forEach((origin, map) -> reports.add(new AccessReport(origin, map)));
            return new RetentionInput(live, retired, channels, pins, reports);
        }

        @Override
        public String toString() {
            return "case";
        }
    }
}
