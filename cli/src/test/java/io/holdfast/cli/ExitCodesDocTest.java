package io.holdfast.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.error.ErrorKind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/EXIT-CODES.md documents every exit code the commands can return. */
class ExitCodesDocTest {
    @Test
    void everyErrorKindIsDocumentedWithItsCode() throws Exception {
        Path doc = Path.of("..", "docs", "EXIT-CODES.md");
        String text = Files.readString(doc);
        for (ErrorKind k : ErrorKind.values()) {
            String row = "| " + k.exitCode() + " | `" + k.name() + "` |";
            assertTrue(text.contains(row), doc + " lacks the row for " + k + ": " + row);
        }
    }
}
