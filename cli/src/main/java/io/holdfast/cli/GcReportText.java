package io.holdfast.cli;

import io.holdfast.gc.GcReport;
import io.holdfast.retention.Action;
import io.holdfast.retention.Decision;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
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
        List<String[]> rows = new ArrayList<>();
        for (Decision d : r.releases()) {
            rows.add(new String[] {"  " + label(d.action()), d.id().value(), String.join("; ", d.reasons())});
        }
        StringWriter table = new StringWriter();
        try (PrintWriter w = new PrintWriter(table)) {
            TextFormat.table(w, rows);
        }
        sb.append(table);
        if (!r.restored().isEmpty()) {
            sb.append("Restored at once (became current or pinned during the run): ").append(r.restored()).append('\n');
        }
        sb.append("\nLeases: ").append(r.leases().live().size()).append(" in-flight publishes kept as roots, ")
                .append(r.leases().revoked().size()).append(dry ? " expired to write off" : " expired written off").append('\n');
        GcReport.Blobs b = r.blobs();
        sb.append("Blobs: ").append(b.listed()).append(" listed, ").append(b.referenced()).append(" referenced, ")
                .append(b.young()).append(" unreferenced but younger than grace, ").append(b.candidates()).append(" candidates\n");
        sb.append("  ").append(dry ? "would delete " : "deleted ").append(b.deleted()).append(" blobs (")
                .append(TextFormat.bytes(b.deletedBytes())).append(")");
        if (b.waiting() > 0) {
            sb.append("; ").append(b.waiting()).append(" more (").append(TextFormat.bytes(b.waitingBytes()))
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
}
