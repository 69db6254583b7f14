package io.holdfast.gc;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.holdfast.manifest.Documents;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code gc/candidates.json}: every deletion candidate of the last completed listing and the store time it was
 * first seen as one. The second phase of blob deletion: a blob is deleted only if it was already a candidate
 * at least the grace period ago, so a timing assumption that fails (a publisher paused past its lease) has a
 * whole grace period to be noticed.
 *
 * <p>Digests are grouped by the run that first saw them ("generations"). The newest generation carries no
 * time: it was recorded when the document was written, i.e. at the document's own store timestamp, which is
 * never earlier than the listing that found them.
 */
public final class CandidateLedger {
    static final int FORMAT = 1;

    /** Candidates first seen at one time. */
    private record Generation(Instant recordedAt, DigestSet digests) {
    }

    private final List<Generation> generations;

    private CandidateLedger(List<Generation> generations) {
        this.generations = generations;
    }

    public static CandidateLedger empty() {
        return new CandidateLedger(List.of());
    }

    /** Reads the stored ledger; a missing one is empty, an unreadable one is empty too (it only delays deletion). */
    public static CandidateLedger read(Optional<Versioned> stored) {
        if (stored.isEmpty()) {
            return empty();
        }
        Instant written = stored.get().info().lastModified();
        List<Generation> gens = new ArrayList<>();
        try (JsonParser p = Documents.mapper().getFactory().createParser(stored.get().content())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return empty();
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("format".equals(field) && value == JsonToken.VALUE_NUMBER_INT && p.getIntValue() != FORMAT) {
                    return empty();
                } else if ("generations".equals(field) && value == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        gens.add(generation(p, written));
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            return empty();
        }
        return new CandidateLedger(gens);
    }

    private static Generation generation(JsonParser p, Instant written) throws IOException {
        Instant at = written;
        DigestSet set = new DigestSet(16);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if ("recordedAt".equals(field) && value == JsonToken.VALUE_STRING) {
                Instant explicit = Instant.parse(p.getText());
                // A recorded time later than the document itself is impossible; never let it shorten the wait.
                at = explicit.isAfter(written) ? written : explicit;
            } else if ("digests".equals(field) && value == JsonToken.START_ARRAY) {
                while (p.nextToken() == JsonToken.VALUE_STRING) {
                    set.add(p.getText());
                }
            } else {
                p.skipChildren();
            }
        }
        return new Generation(at, set);
    }

    /** When the digest was first seen as a candidate, or null when the last listing did not find it unreferenced. */
    public Instant firstSeen(String hex) {
        Instant oldest = null;
        for (Generation g : generations) {
            if ((oldest == null || g.recordedAt.isBefore(oldest)) && g.digests.contains(hex)) {
                oldest = g.recordedAt;
            }
        }
        return oldest;
    }

    public int size() {
        return generations.stream().mapToInt(g -> g.digests.size()).sum();
    }

    /** Collects the candidates of this run into the next ledger. */
    public static final class Builder {
        private final List<Generation> old = new ArrayList<>();
        private final DigestSet fresh = new DigestSet();
        private int size;

        /**
         * @param firstSeen when an earlier run first saw it as a candidate, or null if this run is the first
         */
        public void add(String hex, Instant firstSeen) {
            size++;
            if (firstSeen == null) {
                fresh.add(hex);
                return;
            }
            for (Generation g : old) {
                if (g.recordedAt.equals(firstSeen)) {
                    g.digests.add(hex);
                    return;
                }
            }
            DigestSet set = new DigestSet(16);
            set.add(hex);
            old.add(new Generation(firstSeen, set));
        }

        public int size() {
            return size;
        }

        /** The document to store at {@link StoreKeys#GC_CANDIDATES}. */
        public byte[] encode() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (JsonGenerator g = Documents.mapper().getFactory().createGenerator(out)) {
                g.writeStartObject();
                g.writeNumberField("format", FORMAT);
                g.writeArrayFieldStart("generations");
                List<Generation> sorted = new ArrayList<>(old);
                sorted.sort((x, y) -> x.recordedAt.compareTo(y.recordedAt));
                for (Generation gen : sorted) {
                    writeGeneration(g, gen.recordedAt, gen.digests);
                }
                if (fresh.size() > 0) {
                    writeGeneration(g, null, fresh);
                }
                g.writeEndArray();
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }

        private static void writeGeneration(JsonGenerator g, Instant at, DigestSet digests) throws IOException {
            g.writeStartObject();
            if (at != null) {
                g.writeStringField("recordedAt", at.toString());
            }
            g.writeArrayFieldStart("digests");
            digests.forEach(hex -> {
                try {
                    g.writeString(hex);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            g.writeEndArray();
            g.writeEndObject();
        }
    }
}
