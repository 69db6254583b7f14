package io.holdfast.cli;

import io.holdfast.gc.GcReport;
import io.holdfast.retention.Action;
import io.holdfast.retention.Decision;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The human form of a GC report: the plan, one release per line with its reasons, then leases and blobs. */
final class GcReportText {
    private GcReportText() {
    }

    static String render(GcReport r) {
        StringBuilder sb = new StringBuilder();
        boolean dry = r.dryRun();
        sb.append(dry ? "GC dry run (nothing changed) on " : "GC run " + r.runId() + " on ").append(r.store())
                .append(" at ").append(r.now()).append(dry ? " (local clock)" : " (store time)").append('\n');
        if (r.takenOver() != null) {
            sb.append("Took over stalled run ").append(r.takenOver()).append('\n');
        }
        if (r.activeRun() != null) {
            sb.append("Note: GC run ").append(r.activeRun()).append(" is active right now\n");
        }
        sb.append("Policy: ").append(r.policy().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "))).append('\n');
        Map<String, Long> n = r.releaseActions();
        sb.append("\nReleases: ").append(n.get("keep")).append(" keep, ").append(n.get("retire"))
                .append(dry ? " to retire, " : " retired, ").append(n.get("restore")).append(dry ? " to restore, " : " restored, ")
                .append(n.get("delete")).append(dry ? " tombstones to delete, " : " tombstones deleted, ")
                .append(n.get("keep-retired")).append(" stay retired\n");
        int width = r.releases().stream().mapToInt(d -> d.id().value().length()).max().orElse(2);
        for (Decision d : r.releases()) {
            sb.append(String.format(Locale.ROOT, "  %-12s %-" + width + "s  %s%n", label(d.action()), d.id(),
                    String.join("; ", d.reasons())));
        }
        if (!r.restored().isEmpty()) {
            sb.append("Restored at once (became current or pinned during the run): ").append(r.restored()).append('\n');
        }
        sb.append("\nLeases: ").append(r.leases().live().size()).append(" in-flight publishes kept as roots, ")
                .append(r.leases().revoked().size()).append(dry ? " expired to write off" : " expired written off").append('\n');
        GcReport.Blobs b = r.blobs();
        sb.append("Blobs: ").append(b.listed()).append(" listed, ").append(b.referenced()).append(" referenced, ")
                .append(b.young()).append(" unreferenced but younger than grace, ").append(b.candidates()).append(" candidates\n");
        sb.append("  ").append(dry ? "would delete " : "deleted ").append(b.deleted()).append(" blobs (")
                .append(bytes(b.deletedBytes())).append(")");
        if (b.waiting() > 0) {
            sb.append("; ").append(b.waiting()).append(" more (").append(bytes(b.waitingBytes()))
                    .append(") wait for their second phase");
        }
        sb.append('\n');
        if (r.refusal() != null) {
            sb.append("\nRefused: ").append(r.refusal()).append('\n');
        }
        return sb.toString();
    }

    private static String label(Action a) {
        return a == Action.KEEP_RETIRED ? "stay-retired" : a.label();
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
