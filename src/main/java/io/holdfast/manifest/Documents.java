package io.holdfast.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON codec of every stored document (manifests, channels, leases, GC state, pins, access reports).
 * Output is canonical (sorted keys, ISO-8601 times) so equal documents are equal bytes.
 */
public final class Documents {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private Documents() {
    }

    /** The shared mapper, configured once; immutable after construction, so safe to share. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] encode(Object document) {
        try {
            return MAPPER.writeValueAsBytes(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Decodes a stored document; a malformed one is a {@link HoldfastException} naming the key, never a crash.
     */
    public static <T> T decode(byte[] json, Class<T> type, String key) {
        try {
            T value = MAPPER.readValue(json, type);
            if (value == null) {
                throw new HoldfastException(ErrorKind.STORE_FAILED, "store object " + key + " is empty");
            }
            return value;
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            throw new HoldfastException(ErrorKind.STORE_FAILED,
                    "store object " + key + " is not a valid " + type.getSimpleName() + ": " + firstLine(e), e);
        }
    }

    /** Decodes a release manifest and refuses formats newer than this Holdfast understands. */
    public static ReleaseManifest decodeManifest(byte[] json, String key) {
        ReleaseManifest m = decode(json, ReleaseManifest.class, key);
        if (m.format() != ReleaseManifest.FORMAT) {
            throw new HoldfastException(ErrorKind.STORE_FAILED,
                    "store object " + key + " has manifest format " + m.format() + "; this Holdfast reads format "
                            + ReleaseManifest.FORMAT);
        }
        return m;
    }

    private static String firstLine(Exception e) {
        String msg = String.valueOf(e.getMessage());
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg : msg.substring(0, nl);
    }
}
