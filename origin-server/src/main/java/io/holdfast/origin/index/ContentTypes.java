package io.holdfast.origin.index;

import io.holdfast.manifest.Asset;

/**
 * The Content-Type of an asset: the one its manifest names (publish decides it), or, for a manifest that lacks a
 * usable one, publish's own table by extension ({@link io.holdfast.fingerprint.ContentTypes}), so both agree.
 */
final class ContentTypes {
    private ContentTypes() {
    }

    static String forAsset(Asset a) {
        String declared = a.contentType();
        if (declared != null && !declared.isBlank() && declared.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            return declared;
        }
        return io.holdfast.fingerprint.ContentTypes.forPath(a.servedPath());
    }
}
