package io.holdfast.origin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.holdfast.store.fs.FileSystemStore;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A port in use is an error, and leaves no threads behind. */
class StartFailureTest {
    @Test
    void aTakenPortFailsCleanly(@TempDir Path dir) throws Exception {
        FileSystemStore store = new FileSystemStore(dir, true);
        new SampleSite(new TestPublisher(store));
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            OriginConfig config = OriginConfig.builder().bind("127.0.0.1").port(taken.getLocalPort()).adminPort(0)
                    .originId("start-failure").build();
            assertThrows(RuntimeException.class, () -> OriginServer.start(config, store, Clock.systemUTC()));
        }
        List<Thread> ours = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
                .filter(t -> t.getName().startsWith("holdfast-origin") || t.getName().equals("holdfast-index")
                        || t.getName().equals("holdfast-report"))
                .toList();
        // An executor counts as terminated just before its last thread returns: join, so that a thread on its way
        // out is not taken for a leak, while one that never stops still fails the test.
        for (Thread t : ours) {
            t.join(10_000);
        }
        List<String> left = ours.stream().filter(Thread::isAlive).map(Thread::getName).toList();
        assertEquals(List.of(), left);
        assertEquals(true, store.head("access/start-failure.json").isEmpty(), "nothing written by a server that never started");
    }
}
