package io.holdfast.fingerprint;

import io.holdfast.manifest.Digest;
import java.util.List;

/**
 * References found earlier in a content, so a file whose digest was scanned before is not read again. What a scan
 * finds depends only on the bytes and the kind of scan, so the digest is a complete key; positions are offsets in
 * the whole file.
 */
public interface ReferenceCache {
    /** A cache that knows nothing and keeps nothing. */
    ReferenceCache NONE = new ReferenceCache() {
        @Override
        public List<Reference> find(Digest digest, ReferenceScanner.Kind kind) {
            return null;
        }

        @Override
        public void remember(Digest digest, ReferenceScanner.Kind kind, List<Reference> references) {
        }
    };

    /** @return the references of that content, or null if it was not scanned before */
    List<Reference> find(Digest digest, ReferenceScanner.Kind kind);

    /** Called from several threads. */
    void remember(Digest digest, ReferenceScanner.Kind kind, List<Reference> references);
}
