package io.holdfast.origin.index;

import io.holdfast.origin.observe.RequestKind;

/** What a served path is, which decides its caching and how it is counted. */
public enum AssetKind {
    /** A fingerprinted (content-named) asset of any retained release: cached for a year, immutable. */
    FINGERPRINTED(RequestKind.ASSET),
    /** An entry point (HTML, robots.txt…) of the channel's current release: revalidated on every use. */
    ENTRY(RequestKind.ENTRY),
    /** An asset under {@code /_releases/<id>/}: the preview of one release. */
    RELEASE(RequestKind.RELEASE),
    /** A release manifest under {@code /_manifests/}. */
    MANIFEST(RequestKind.MANIFEST),
    /** A channel's current manifest under {@code /_channels/}. */
    CHANNEL_MANIFEST(RequestKind.CHANNEL_MANIFEST);

    private final RequestKind requestKind;

    AssetKind(RequestKind requestKind) {
        this.requestKind = requestKind;
    }

    public RequestKind requestKind() {
        return requestKind;
    }
}
