package io.holdfast.origin.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.testing.MutableClock;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenFilesTest {
    private static final Duration RECHECK = Duration.ofSeconds(1);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    @TempDir
    Path dir;

    @Test
    void aHeldFileIsLentWithoutBeingOpenedAgain() throws IOException {
        OpenFiles files = new OpenFiles(10, 2, RECHECK, Duration.ofMinutes(1), clock);
        Path f = write("a", "alpha");
        FileChannel ch = hold(files, f);
        try (OpenFiles.Lease again = files.lease(f)) {
            assertNotNull(again);
            assertSame(ch, again.channel());
        }
        assertTrue(ch.isOpen(), "the cache still holds it");
        assertEquals(1, files.size());
    }

    @Test
    void aLeaseTellsTheSizeTheFileWasVerifiedAt() throws IOException {
        OpenFiles files = new OpenFiles(10, 2, RECHECK, Duration.ofMinutes(1), clock);
        Path f = write("a", "alpha");
        hold(files, f);
        try (OpenFiles.Lease l = files.lease(f)) {
            assertEquals(5, l.size());
        }
    }

    @Test
    void aFileChangedInPlaceIsNotLentOnceItsVersionIsCheckedAgain() throws IOException {
        OpenFiles files = new OpenFiles(10, 2, RECHECK, Duration.ofMinutes(1), clock);
        Path f = write("a", "alpha");
        FileChannel ch = hold(files, f);
        Files.writeString(f, "alphx");
        Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));
        clock.advance(RECHECK);
        assertNull(files.lease(f), "changed since it was verified");
        assertFalse(ch.isOpen(), "dropped and closed: nothing else used it");
    }

    @Test
    void aDeletedFileIsDroppedAtItsNextCheck() throws IOException {
        OpenFiles files = new OpenFiles(10, 2, RECHECK, Duration.ofMinutes(1), clock);
        Path f = write("a", "alpha");
        FileChannel ch = hold(files, f);
        Files.delete(f);
        clock.advance(RECHECK);
        assertNull(files.lease(f));
        assertFalse(ch.isOpen(), "its disk space is given back");
    }

    @Test
    void aFileLeftTheCacheStaysOpenUntilItsLastResponseEnds() throws IOException {
        OpenFiles files = new OpenFiles(0, 2, RECHECK, Duration.ofMinutes(1), clock);
        Path f = write("a", "alpha");
        OpenFiles.Lease lease = files.open(f, attrs(f), c -> { });
        FileChannel ch = lease.channel();
        assertNull(files.lease(f), "nothing is held when no file may be kept open");
        assertTrue(ch.isOpen(), "the response still sends from it");
        lease.close();
        lease.close(); // a second close must not release someone else's reference
        assertFalse(ch.isOpen());
    }

    @Test
    void holdingANewerVersionClosesTheOlderOnceItsResponsesEnd() throws IOException {
        OpenFiles files = new OpenFiles(10, 2, RECHECK, Duration.ofMinutes(1), clock);
        Path f = write("a", "alpha");
        FileChannel old = hold(files, f);
        OpenFiles.Lease sending = files.lease(f);
        FileChannel newer = hold(files, f);
        assertTrue(old.isOpen(), "a response still sends from the older one");
        sending.close();
        assertFalse(old.isOpen());
        try (OpenFiles.Lease l = files.lease(f)) {
            assertSame(newer, l.channel());
        }
    }

    @Test
    void theBoundIsInDescriptorsOnePerFileAndThread() throws IOException {
        OpenFiles files = new OpenFiles(4, 2, RECHECK, Duration.ofMinutes(1), clock);
        List<FileChannel> channels = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            channels.add(hold(files, write(name, name)));
        }
        files.cleanUp();
        assertEquals(2, files.size(), "4 descriptors hold 2 files opened twice each");
        assertEquals(1, channels.stream().filter(c -> !c.isOpen()).count(), "the third file's channels are closed");
    }

    @Test
    void aFileWithoutRequestsIsClosedAfterTheIdleTime() throws IOException {
        OpenFiles files = new OpenFiles(10, 2, RECHECK, Duration.ofSeconds(60), clock);
        Path f = write("a", "alpha");
        FileChannel ch = hold(files, f);
        clock.advance(Duration.ofSeconds(61));
        assertNull(files.lease(f));
        files.cleanUp();
        assertFalse(ch.isOpen());
    }

    @Test
    void aFileChangedWhileItIsCheckedIsNotHeld() throws IOException {
        OpenFiles files = new OpenFiles(10, 2, RECHECK, Duration.ofMinutes(1), clock);
        Path f = write("a", "alpha");
        BasicFileAttributes version = attrs(f);
        FileChannel[] checked = new FileChannel[1];
        IOException e = assertThrows(IOException.class, () -> files.open(f, version, c -> {
            checked[0] = c;
            Files.writeString(f, "beta, longer");
        }));
        assertTrue(e.getMessage().contains("changed while it was being verified"), e.getMessage());
        assertFalse(checked[0].isOpen());
        assertNull(files.lease(f));
    }

    @Test
    void aFailedCheckHoldsNothing() throws IOException {
        OpenFiles files = new OpenFiles(10, 2, RECHECK, Duration.ofMinutes(1), clock);
        Path f = write("a", "alpha");
        FileChannel[] checked = new FileChannel[1];
        assertThrows(IllegalStateException.class, () -> files.open(f, attrs(f), c -> {
            checked[0] = c;
            throw new IllegalStateException("not the expected content");
        }));
        assertFalse(checked[0].isOpen());
        assertNull(files.lease(f));
    }

    /** Holds a file and returns the channel this thread sends from. */
    private static FileChannel hold(OpenFiles files, Path f) throws IOException {
        try (OpenFiles.Lease l = files.open(f, attrs(f), c -> { })) {
            return l.channel();
        }
    }

    private static BasicFileAttributes attrs(Path f) throws IOException {
        return Files.readAttributes(f, BasicFileAttributes.class);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
