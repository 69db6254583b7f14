package io.holdfast.retention;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What GC keeps. A release stays live when any rule keeps it; the current release of every channel and every
 * pinned release are kept whatever these numbers say.
 *
 * @param keepLast           the newest N releases (by store time of their commit)
 * @param keepWithin         releases committed within this long
 * @param keepChannelHistory the N most recent distinct releases of each channel's history (rollback targets)
 * @param keepServedWithin   releases any origin reported serving within this long
 * @param retireFor          how long a retired release stays restorable before its tombstone is deleted
 * @param grace              how old an unreferenced blob must be to become a deletion candidate; a candidate is
 *                           deleted only once it has been one for this long again (two phases)
 * @param maxRemoveFraction  refuse a plan that retires more than this fraction of the live releases
 */
public record RetentionPolicy(int keepLast, Duration keepWithin, int keepChannelHistory, Duration keepServedWithin,
                              Duration retireFor, Duration grace, double maxRemoveFraction) {

    /** Safe to run nightly without thinking: a week of everything, ten releases, five rollback targets per channel. */
    public static final RetentionPolicy DEFAULT = new RetentionPolicy(10, Duration.ofDays(7), 5, Duration.ofDays(7),
            Duration.ofDays(7), Duration.ofDays(1), 0.5);

    /** The setting names, as flags without {@code --} and as config-file keys. */
    public static final Set<String> KEYS = Set.of("keep-last", "keep-within", "keep-channel-history",
            "keep-served-within", "retire-for", "grace", "max-remove-fraction");

    public RetentionPolicy {
        if (keepLast < 0) {
            throw usage("keep-last must be 0 or more, not " + keepLast);
        }
        if (keepChannelHistory < 0) {
            throw usage("keep-channel-history must be 0 or more, not " + keepChannelHistory);
        }
        for (Duration d : new Duration[] {keepWithin, keepServedWithin, retireFor, grace}) {
            if (d == null || d.isNegative()) {
                throw usage("durations in a retention policy must be 0 or more");
            }
        }
        if (!(maxRemoveFraction >= 0 && maxRemoveFraction <= 1)) {
            throw usage("max-remove-fraction must be between 0 and 1, not " + maxRemoveFraction);
        }
    }

    /**
     * This policy with the given settings applied on top (keys of {@link #KEYS}); used for config files and flags.
     *
     * @param source where the settings came from (a file name, "flags"), named in error messages
     */
    public RetentionPolicy with(Map<String, String> settings, String source) {
        int last = keepLast;
        int history = keepChannelHistory;
        Duration within = keepWithin;
        Duration served = keepServedWithin;
        Duration retire = retireFor;
        Duration g = grace;
        double fraction = maxRemoveFraction;
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String key = e.getKey().trim().toLowerCase(Locale.ROOT);
            String value = e.getValue() == null ? "" : e.getValue().trim();
            String where = key + " in " + source;
            switch (key) {
                case "keep-last" -> last = integer(value, where);
                case "keep-channel-history" -> history = integer(value, where);
                case "keep-within" -> within = Durations.parse(value, where);
                case "keep-served-within" -> served = Durations.parse(value, where);
                case "retire-for" -> retire = Durations.parse(value, where);
                case "grace" -> g = Durations.parse(value, where);
                case "max-remove-fraction" -> fraction = fraction(value, where);
                default -> throw usage("unknown setting '" + e.getKey() + "' in " + source + "; known: "
                        + String.join(", ", new java.util.TreeSet<>(KEYS)));
            }
        }
        return new RetentionPolicy(last, within, history, served, retire, g, fraction);
    }

    /** The settings as written in a config file, in a stable order. */
    public Map<String, String> settings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("keep-last", Integer.toString(keepLast));
        m.put("keep-within", Durations.format(keepWithin));
        m.put("keep-channel-history", Integer.toString(keepChannelHistory));
        m.put("keep-served-within", Durations.format(keepServedWithin));
        m.put("retire-for", Durations.format(retireFor));
        m.put("grace", Durations.format(grace));
        m.put("max-remove-fraction", Double.toString(maxRemoveFraction));
        return m;
    }

    private static int integer(String value, String where) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw usage("invalid number '" + value + "' for " + where);
        }
    }

    private static double fraction(String value, String where) {
        try {
            String v = value.endsWith("%") ? value.substring(0, value.length() - 1) : value;
            double d = Double.parseDouble(v);
            return value.endsWith("%") ? d / 100 : d;
        } catch (NumberFormatException e) {
            throw usage("invalid fraction '" + value + "' for " + where + ": use 0.5 or 50%");
        }
    }

    private static HoldfastException usage(String message) {
        return new HoldfastException(ErrorKind.USAGE, message);
    }
}
