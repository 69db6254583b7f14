package io.holdfast.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.gc.GarbageCollector;
import io.holdfast.gc.GcObserver;
import io.holdfast.gc.GcReport;
import io.holdfast.gc.GcSettings;
import io.holdfast.gc.MonotonicClock;
import io.holdfast.manifest.Documents;
import io.holdfast.retention.RetentionPolicy;
import io.holdfast.store.BlobStore;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code holdfast gc}: retention, then blob collection, following the GC protocol; {@code --dry-run} changes nothing. */
@Command(name = "gc", mixinStandardHelpOptions = true,
        description = {"Retire releases the retention policy no longer keeps, delete expired tombstones, and delete blobs "
                + "no retained release or in-flight publish references (two phases, a grace period apart).",
            "The current release of every channel and every pinned release are always kept.",
            "Defaults: keep-last 10, keep-within 7d, keep-channel-history 5, keep-served-within 7d, retire-for 7d, "
                + "grace 1d, max-remove-fraction 0.5."})
public final class GcCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store = new StoreOptions();
    @Mixin
    OutputOptions output = new OutputOptions();
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Policy settings from a .properties or .json file (same keys as the flags, without --); flags override it.")
    Path config;
    @Option(names = "--keep-last", paramLabel = "N", description = "Keep the newest N releases.")
    String keepLast;
    @Option(names = "--keep-within", paramLabel = "DURATION", description = "Keep releases committed within this long (7d, 36h).")
    String keepWithin;
    @Option(names = "--keep-channel-history", paramLabel = "N", description = "Keep each channel's N most recent releases.")
    String keepChannelHistory;
    @Option(names = "--keep-served-within", paramLabel = "DURATION", description = "Keep releases an origin served within this long.")
    String keepServedWithin;
    @Option(names = "--retire-for", paramLabel = "DURATION", description = "How long a retired release stays restorable.")
    String retireFor;
    @Option(names = "--grace", paramLabel = "DURATION",
            description = "How old an unreferenced blob must be to become a candidate, and how long it stays one before deletion.")
    String grace;
    @Option(names = "--max-remove-fraction", paramLabel = "F",
            description = "Refuse a plan retiring more than this fraction of live releases (0.5 or 50%%).")
    String maxRemoveFraction;
    @Option(names = "--force", description = "Carry out a plan that retires more than the fraction, or every release.")
    boolean force;
    @Option(names = "--dry-run", description = "Print the exact plan and change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        RetentionPolicy policy = policy();
        GcReport report;
        try (BlobStore s = store.open(false)) {
            report = new GarbageCollector(s, MonotonicClock.start(), GcSettings.DEFAULT, GcObserver.NONE)
                    .run(policy, force, dryRun);
        }
        if (output.json()) {
            spec.commandLine().getOut().println(CliJson.write(report));
        } else {
            spec.commandLine().getOut().print(GcReportText.render(report));
        }
        spec.commandLine().getOut().flush();
        return report.refusal() != null ? ErrorKind.GC_REFUSED.exitCode() : 0;
    }

    /** Defaults, then the config file, then flags. */
    RetentionPolicy policy() {
        RetentionPolicy policy = RetentionPolicy.DEFAULT;
        if (config != null) {
            policy = policy.with(readConfig(config), config.toString());
        }
        Map<String, String> flags = new LinkedHashMap<>();
        put(flags, "keep-last", keepLast);
        put(flags, "keep-within", keepWithin);
        put(flags, "keep-channel-history", keepChannelHistory);
        put(flags, "keep-served-within", keepServedWithin);
        put(flags, "retire-for", retireFor);
        put(flags, "grace", grace);
        put(flags, "max-remove-fraction", maxRemoveFraction);
        return policy.with(flags, "the command line (--" + String.join(", --", flags.keySet()) + ")");
    }

    private static void put(Map<String, String> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    static Map<String, String> readConfig(Path file) {
        Map<String, String> settings = new LinkedHashMap<>();
        try {
            if (file.getFileName().toString().endsWith(".json")) {
                JsonNode root = Documents.mapper().readTree(file.toFile());
                if (root == null || !root.isObject()) {
                    throw new HoldfastException(ErrorKind.USAGE, "config file " + file + " must hold one JSON object");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    settings.put(e.getKey(), e.getValue().asText());
                }
            } else {
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(file)) {
                    p.load(r);
                }
                p.stringPropertyNames().stream().sorted().forEach(k -> settings.put(k, p.getProperty(k)));
            }
        } catch (IOException e) {
            throw new HoldfastException(ErrorKind.USAGE, "cannot read config file " + file + ": " + e.getMessage());
        }
        return settings;
    }
}
