package io.holdfast.cli;

import io.holdfast.channel.ChannelMover;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseId;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** How promote and rollback report a move. */
final class ChannelOutput {
    private ChannelOutput() {
    }

    static void print(PrintWriter out, boolean json, ChannelMover.Move move) {
        String from = move.from().map(ReleaseId::value).orElse(null);
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("channel", move.channel().value());
            doc.put("from", from);
            doc.put("to", move.to().value());
            doc.put("changed", move.changed());
            out.println(new String(Documents.encode(doc), StandardCharsets.UTF_8));
        } else if (move.changed()) {
            out.println("channel " + move.channel() + ": " + (from == null ? "(new)" : from) + " → " + move.to());
        } else {
            out.println("channel " + move.channel() + " is already at " + move.to());
        }
        out.flush();
    }
}
