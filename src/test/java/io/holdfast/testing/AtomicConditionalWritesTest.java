package io.holdfast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.holdfast.store.ConflictException;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.s3.S3Store;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Two compare-and-swaps on one key, both past S3Proxy's own condition check before either writes (held at a
 * barrier in front of the backend): S3Proxy alone lets both win; with {@link AtomicConditionalWrites}, one.
 */
class AtomicConditionalWritesTest {

    @Test
    void s3ProxyAloneLetsTwoRacingCompareAndSwapsWin() throws Exception {
        assertEquals(2, winnersOfARace(false));
    }

    @Test
    void withTheWrapperExactlyOneWins() throws Exception {
        assertEquals(1, winnersOfARace(true));
    }

    private static int winnersOfARace(boolean atomic) throws Exception {
        AtomicReference<BarrierBeforeConditionalPut> barrier = new AtomicReference<>();
        UnaryOperator<BlobStore> decorate = backend -> {
            barrier.set(new BarrierBeforeConditionalPut(atomic ? new AtomicConditionalWrites(backend) : backend));
            return barrier.get();
        };
        try (S3TestServer server = S3TestServer.startTransient(decorate);
             S3Store store = S3Store.open(server.settings(server.freshConfig()), false)) {
            ObjectInfo v1 = store.compareAndSwap("gc/state.json", bytes("v1"), Optional.empty());
            barrier.get().armed = true;
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    String content = "writer " + i;
                    results.add(pool.submit(() -> {
                        try {
                            store.compareAndSwap("gc/state.json", bytes(content), Optional.of(v1.version()));
                            return true;
                        } catch (ConflictException e) {
                            return false;
                        }
                    }));
                }
                int winners = 0;
                for (Future<Boolean> f : results) {
                    winners += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
                }
                return winners;
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Holds conditional PUTs until two have arrived, i.e. both passed S3Proxy's check. */
    private static final class BarrierBeforeConditionalPut extends ForwardingBlobStore {
        volatile boolean armed;
        private final CyclicBarrier bothChecked = new CyclicBarrier(2);

        BarrierBeforeConditionalPut(BlobStore delegate) {
            super(delegate);
        }

        @Override
        public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
            if (armed && request.ifMatch() != null) {
                try {
                    bothChecked.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("the second writer never arrived", e);
                }
            }
            return super.putBlob(request, content);
        }
    }
}
