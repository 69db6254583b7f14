package io.holdfast.origin.observe;

/** What a request turned out to be, for metrics and the access log. */
public enum RequestKind {
    /** A fingerprinted asset. */
    ASSET("asset"),
    /** An entry point of the channel's current release. */
    ENTRY("entry"),
    /** A path under {@code /_releases/<id>/}. */
    RELEASE("release"),
    MANIFEST("manifest"),
    CHANNEL_MANIFEST("channel_manifest"),
    /** No such path, after a lookup in the store. */
    NOT_FOUND("not_found"),
    /** Refused before routing: unsafe path, method, or a request Undertow could not parse. */
    REJECTED("rejected"),
    /** Not yet classified (e.g. the server was unavailable). */
    OTHER("other");

    private final String label;

    RequestKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
