package io.holdfast.gc;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseManifest;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Reads only the blob digests out of a release manifest, streaming, without building its object model: GC
 * reads every retained manifest and needs nothing else from it. The digests are the same as
 * {@link ReleaseManifest#digests()}: each asset's identity blob and every precompressed variant.
 */
public final class ManifestDigests {
    private ManifestDigests() {
    }

    /**
     * @param key the manifest's store key, named in errors; a manifest GC cannot read stops the run, because
     *            its blobs would otherwise be unprotected
     */
    public static void scan(byte[] json, String key, Consumer<String> digests) {
        int format = -1;
        boolean assets = false;
        try (JsonParser p = Documents.mapper().getFactory().createParser(json)) {
            expect(p.nextToken() == JsonToken.START_OBJECT, key);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("format".equals(field) && value == JsonToken.VALUE_NUMBER_INT) {
                    format = p.getIntValue();
                } else if ("assets".equals(field)) {
                    // Anything but an array of objects is unreadable: stopping at a stray element would leave the
                    // blobs of the entries after it unprotected.
                    expect(value == JsonToken.START_ARRAY, key);
                    JsonToken t;
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        expect(t == JsonToken.START_OBJECT, key);
                        asset(p, key, digests);
                    }
                    assets = true;
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw unreadable(key, String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        expect(assets, key);
        if (format != ReleaseManifest.FORMAT) {
            throw new HoldfastException(ErrorKind.STORE_FAILED, "store object " + key + " has manifest format " + format
                    + "; this Holdfast reads format " + ReleaseManifest.FORMAT + ", so GC cannot tell which blobs it needs");
        }
    }

    private static void asset(JsonParser p, String key, Consumer<String> digests) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if ("digest".equals(field)) {
                expect(value == JsonToken.VALUE_STRING, key);
                digests.accept(p.getText());
            } else if ("variants".equals(field) && value != JsonToken.VALUE_NULL) {
                expect(value == JsonToken.START_OBJECT, key);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    expect(p.nextToken() == JsonToken.START_OBJECT, key);
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String vf = p.currentName();
                        JsonToken vv = p.nextToken();
                        if ("digest".equals(vf)) {
                            expect(vv == JsonToken.VALUE_STRING, key);
                            digests.accept(p.getText());
                        } else {
                            p.skipChildren();
                        }
                    }
                }
            } else {
                p.skipChildren();
            }
        }
    }

    private static void expect(boolean ok, String key) {
        if (!ok) {
            throw unreadable(key, "unexpected structure");
        }
    }

    private static HoldfastException unreadable(String key, String why) {
        return new HoldfastException(ErrorKind.STORE_FAILED, "store object " + key
                + " is not a readable release manifest (" + why + "); GC stops rather than guess which blobs it needs");
    }
}
