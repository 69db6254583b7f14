package io.holdfast.cli;

import io.holdfast.manifest.Documents;
import java.nio.charset.StandardCharsets;

/** One JSON document for {@code --json} output, in the same canonical form as stored documents. */
final class CliJson {
    private CliJson() {
    }

    static String write(Object document) {
        return new String(Documents.encode(document), StandardCharsets.UTF_8);
    }
}
