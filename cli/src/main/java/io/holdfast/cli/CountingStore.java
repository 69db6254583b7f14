package io.holdfast.cli;

import io.holdfast.store.BlobStore;
import io.holdfast.store.ByteRange;
import io.holdfast.store.ForwardingStore;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.ObjectStream;
import io.holdfast.store.Payload;
import io.holdfast.store.PutOutcome;
import io.holdfast.store.Versioned;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Counts the store calls of one command and, when the store is closed, appends them as one {@code key=value} line
 * to a file: how benchmarks count store requests (enabled by {@code HOLDFAST_STORE_STATS=FILE}, off otherwise).
 * {@code requests} is what the calls cost on S3: one request per call, except that a listing costs one request
 * per page of 1000 keys and a delete one request per batch.
 */
final class CountingStore extends ForwardingStore {
    static final int S3_PAGE = 1000;

    private final Path statsFile;
    private final LongAdder head = new LongAdder();
    private final LongAdder get = new LongAdder();
    private final LongAdder read = new LongAdder();
    private final LongAdder put = new LongAdder();
    private final LongAdder cas = new LongAdder();
    private final LongAdder list = new LongAdder();
    private final LongAdder listPages = new LongAdder();
    private final LongAdder listed = new LongAdder();
    private final LongAdder delete = new LongAdder();
    private final LongAdder deletedKeys = new LongAdder();

    CountingStore(BlobStore delegate, Path statsFile) {
        super(delegate);
        this.statsFile = statsFile;
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        head.increment();
        return super.head(key);
    }

    @Override
    public Optional<ObjectStream> get(String key, ByteRange range) {
        get.increment();
        return super.get(key, range);
    }

    @Override
    public Optional<Versioned> read(String key) {
        read.increment();
        return super.read(key);
    }

    @Override
    public PutOutcome putIfAbsent(String key, Payload payload) {
        put.increment();
        return super.putIfAbsent(key, payload);
    }

    @Override
    public ObjectInfo compareAndSwap(String key, byte[] content, Optional<String> expectedVersion) {
        cas.increment();
        return super.compareAndSwap(key, content, expectedVersion);
    }

    @Override
    public void list(String prefix, Consumer<ObjectInfo> sink) {
        list.increment();
        long[] n = {0};
        try {
            super.list(prefix, info -> {
                n[0]++;
                sink.accept(info);
            });
        } finally {
            listed.add(n[0]);
            listPages.add(Math.max(1, (n[0] + S3_PAGE - 1) / S3_PAGE));
        }
    }

    @Override
    public void delete(Collection<String> keys) {
        delete.increment();
        deletedKeys.add(keys.size());
        super.delete(keys);
    }

    @Override
    public void close() {
        try {
            super.close();
        } finally {
            long requests = head.sum() + get.sum() + read.sum() + put.sum() + cas.sum() + listPages.sum() + delete.sum();
            String line = "requests=" + requests + " head=" + head + " get=" + get + " read=" + read + " put=" + put
                    + " cas=" + cas + " list=" + list + " listPages=" + listPages + " listed=" + listed
                    + " delete=" + delete + " deletedKeys=" + deletedKeys + System.lineSeparator();
            try {
                Files.writeString(statsFile, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write store call counts to " + statsFile, e);
            }
        }
    }
}
