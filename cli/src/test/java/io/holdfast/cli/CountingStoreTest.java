package io.holdfast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.holdfast.store.BlobStore;
import io.holdfast.store.Payload;
import io.holdfast.store.fs.FileSystemStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CountingStoreTest {

    @Test
    void writesTheCallsOfOneCommandAndTheirS3RequestCostOnClose(@TempDir Path dir) throws Exception {
        Path stats = dir.resolve("stats.txt");
        List<String> keys = new ArrayList<>();
        try (BlobStore store = new CountingStore(new FileSystemStore(dir.resolve("store"), true), stats)) {
            for (int i = 0; i < 1001; i++) {
                String key = "blobs/k" + i;
                store.putIfAbsent(key, Payload.ofBytes(("b" + i).getBytes(StandardCharsets.UTF_8)));
                keys.add(key);
            }
            store.compareAndSwap("gc/state.json", new byte[] {1}, Optional.empty());
            store.read("gc/state.json");
            store.head("blobs/k1");
            store.list("blobs/", info -> { });
            store.list("leases/", info -> { });
            store.delete(keys.subList(0, 1000));
            store.delete(keys.subList(1000, 1001));
        }
        // 1001 puts + cas + read + head + 2 pages + 1 empty page + 2 delete batches
        assertEquals("requests=1009 head=1 get=0 read=1 put=1001 cas=1 list=2 listPages=3 listed=1001 delete=2"
                + " deletedKeys=1001", Files.readString(stats).trim());
    }
}
