package io.holdfast.publish;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Digest;
import io.holdfast.store.Payload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Where bytes made during a publish wait for their upload (compressed variants): in memory up to a budget, then
 * in a private temporary directory that is deleted when the publish ends. Compression has to finish before the
 * lease is written (the lease lists every digest), so a cold publish of a large tree would otherwise hold all its
 * variants in memory at once.
 */
public final class ScratchSpace implements AutoCloseable {
    private final long memoryBudget;
    private final AtomicLong inMemory = new AtomicLong();
    private Path dir;

    public ScratchSpace(long memoryBudget) {
        this.memoryBudget = memoryBudget;
    }

    /** Bytes ready for upload, with their digest. */
    public record StagedBlob(Digest digest, long size, byte[] bytes, Path file) {
        public Payload payload() {
            return bytes != null ? new Payload(null, bytes, size, digest) : Payload.ofFile(file, size, digest);
        }
    }

    /** An output stream that hashes what it is given and keeps it in memory or in a scratch file. */
    public Sink sink(long expectedSize) {
        return new Sink(expectedSize);
    }

    public final class Sink extends OutputStream {
        private final MessageDigest sha = FileHasher.sha256();
        private final OutputStream target;
        private final ByteArrayOutputStream memory;
        private final Path file;
        private final long reserved;
        private long size;

        private Sink(long expectedSize) {
            boolean fits = inMemory.addAndGet(expectedSize) <= memoryBudget;
            try {
                reserved = fits ? expectedSize : 0;
                if (fits) {
                    memory = new ByteArrayOutputStream((int) Math.min(expectedSize, 1 << 20));
                    file = null;
                    target = new DigestOutputStream(memory, sha);
                } else {
                    inMemory.addAndGet(-expectedSize);
                    memory = null;
                    file = Files.createTempFile(dir(), "variant-", ".bin");
                    target = new DigestOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16), sha);
                }
            } catch (IOException e) {
                throw new HoldfastException(ErrorKind.INTERNAL, "cannot create a scratch file: " + e.getMessage(), e);
            }
        }

        @Override
        public void write(int b) throws IOException {
            target.write(b);
            size++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            target.write(b, off, len);
            size += len;
        }

        @Override
        public void close() throws IOException {
            target.close();
        }

        public long size() {
            return size;
        }

        /** After {@link #close()}: the staged bytes. Memory kept counts at its real size, not the size expected. */
        public StagedBlob staged() {
            if (memory != null) {
                inMemory.addAndGet(size - reserved);
            }
            return new StagedBlob(Digest.ofBytes(sha.digest()), size, memory != null ? memory.toByteArray() : null, file);
        }

        /** Gives the space back when the result is not kept. */
        public void discard() {
            inMemory.addAndGet(-reserved);
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // removed with the directory at the end
                }
            }
        }
    }

    private synchronized Path dir() throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("holdfast-publish-");
        }
        return dir;
    }

    @Override
    public synchronized void close() {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // leftovers in the temp directory are harmless
        }
        dir = null;
    }
}
