package io.holdfast.cli;

import io.holdfast.channel.ChannelRegistry;
import io.holdfast.manifest.ChannelEntry;
import io.holdfast.manifest.Documents;
import io.holdfast.store.BlobStore;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code holdfast channels}: every channel, its current release and the previous one. */
@Command(name = "channels", mixinStandardHelpOptions = true,
        description = "List channels: current release, when it moved there, the release before it.")
final class ChannelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<ChannelRegistry.Stored> channels;
        try (BlobStore s = store.open(false)) {
            channels = new ChannelRegistry(s).list();
        }
        if (output.json()) {
            List<Map<String, Object>> docs = new ArrayList<>();
            for (ChannelRegistry.Stored c : channels) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", c.channel().name().value());
                m.put("current", c.channel().current().value());
                m.put("updated", c.info().lastModified().toString());
                m.put("history", c.channel().history());
                docs.add(m);
            }
            out.println(new String(Documents.encode(docs), StandardCharsets.UTF_8));
        } else if (channels.isEmpty()) {
            out.println("no channels");
        } else {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"CHANNEL", "CURRENT", "SINCE", "PREVIOUS"});
            for (ChannelRegistry.Stored c : channels) {
                String previous = c.channel().history().stream().map(ChannelEntry::release)
                        .filter(r -> !r.equals(c.channel().current())).findFirst().map(Object::toString).orElse("-");
                rows.add(new String[] {c.channel().name().value(), c.channel().current().value(),
                    c.info().lastModified().toString(), previous});
            }
            TextFormat.table(out, rows);
        }
        out.flush();
        return 0;
    }
}
