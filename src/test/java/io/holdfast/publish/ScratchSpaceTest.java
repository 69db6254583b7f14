package io.holdfast.publish;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ScratchSpaceTest {
    /** A variant reserves the size of its source while it is made, and keeps only what it turned out to be. */
    @Test
    void keptBlobsCountAtTheirRealSize() throws IOException {
        try (ScratchSpace scratch = new ScratchSpace(1000)) {
            for (int i = 0; i < 4; i++) {
                ScratchSpace.Sink sink = scratch.sink(600);
                try (sink) {
                    sink.write(new byte[100]);
                }
                assertNotNull(sink.staged().bytes(), "blob " + i + " should have stayed in memory");
            }
            ScratchSpace.Sink over = scratch.sink(700);
            try (over) {
                over.write(new byte[700]);
            }
            ScratchSpace.StagedBlob spilled = over.staged();
            assertNull(spilled.bytes(), "past the budget a blob goes to a scratch file");
            assertNotNull(spilled.file());
        }
    }
}
