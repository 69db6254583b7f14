package io.holdfast.store;

import io.holdfast.error.ErrorKind;
import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Retries store calls that failed with a retryable {@link StoreException} (timeouts, resets, 5xx, throttling),
 * with bounded exponential backoff and jitter. Everything else (conflicts, denials, missing buckets) passes
 * through at once.
 *
 * <p>A write whose response was lost may have happened, so a retry can see the effect of its own first attempt:
 * <ul>
 * <li>create-only: a retry that answers "already exists" is success if the object there has the payload's size
 *     (its key names its content); an object reported as existing but absent is retried once more (some servers
 *     answer a retried upload with a false 412); a different size is reported as damage, not hidden;</li>
 * <li>compare-and-swap: a retry that conflicts is success if the stored content is exactly what we wrote (our
 *     first attempt won); otherwise the conflict stands.</li>
 * </ul>
 * A listing that fails half way is resumed after the last key delivered, so the sink sees every key once.
 * An opened stream is not retried once the caller reads it.
 */
public final class RetryingStore extends ForwardingStore {
    private final RetryLoop loop;

    /** Production wiring: {@link RetryLoop#defaults()}. */
    public RetryingStore(BlobStore delegate) {
        this(delegate, RetryLoop.defaults());
    }

    public RetryingStore(BlobStore delegate, RetryLoop loop) {
        super(delegate);
        this.loop = loop;
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        return retry("head", key, attempt -> delegate.head(key));
    }

    @Override
    public Optional<ObjectStream> get(String key, ByteRange range) {
        return retry("get", key, attempt -> delegate.get(key, range));
    }

    @Override
    public Optional<Versioned> read(String key) {
        return retry("read", key, attempt -> delegate.read(key));
    }

    @Override
    public PutOutcome putIfAbsent(String key, Payload payload) {
        return retry("put", key, attempt -> {
            PutOutcome outcome = delegate.putIfAbsent(key, payload);
            if (attempt == 1 || outcome == PutOutcome.CREATED) {
                return outcome;
            }
            // An earlier attempt may have created it before its response was lost: check what is there.
            ObjectInfo there = delegate.head(key).orElseThrow(() -> new StoreException(
                    ErrorKind.STORE_FAILED, delegate.describe() + ": " + key
                    + " was reported to exist after a failed upload but is absent", true, null));
            if (there.size() != payload.size()) {
                throw new StoreException(ErrorKind.STORE_FAILED, delegate.describe() + ": " + key
                        + " exists with " + there.size() + " bytes but the upload has " + payload.size()
                        + " bytes (sha256 " + payload.sha256() + "); the stored object is damaged", false, null);
            }
            // Most likely our own lost attempt created it: the bytes went up, count them as such.
            return PutOutcome.CREATED;
        });
    }

    @Override
    public ObjectInfo compareAndSwap(String key, byte[] content, Optional<String> expectedVersion) {
        return retry("cas", key, attempt -> {
            try {
                return delegate.compareAndSwap(key, content, expectedVersion);
            } catch (ConflictException conflict) {
                if (attempt == 1) {
                    throw conflict;
                }
                Optional<Versioned> now = delegate.read(key);
                if (now.isPresent() && Arrays.equals(now.get().content(), content)) {
                    return now.get().info();
                }
                throw conflict;
            }
        });
    }

    @Override
    public void list(String prefix, Consumer<ObjectInfo> sink) {
        String[] lastDelivered = {null};
        retry("list", prefix, attempt -> {
            delegate.list(prefix, info -> {
                if (lastDelivered[0] != null && StoreKeys.ORDER.compare(info.key(), lastDelivered[0]) <= 0) {
                    return;
                }
                try {
                    sink.accept(info);
                } catch (RuntimeException e) {
                    throw new SinkFailure(e);
                }
                lastDelivered[0] = info.key();
            });
            return null;
        });
    }

    @Override
    public void delete(Collection<String> keys) {
        retry("delete", keys.isEmpty() ? "" : keys.iterator().next(), attempt -> {
            delegate.delete(keys);
            return null;
        });
    }

    private <T> T retry(String op, String key, IntFunction<T> call) {
        try {
            return loop.run(op, key, call);
        } catch (SinkFailure e) {
            throw e.failure;
        }
    }

    /** Carries an exception thrown by the caller's sink through the retry loop untouched. */
    private static final class SinkFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final RuntimeException failure;

        SinkFailure(RuntimeException failure) {
            super(null, null, false, false);
            this.failure = failure;
        }
    }
}
