package io.holdfast.fingerprint;

/**
 * A reference to another file inside a CSS or JS text: {@code text[start, end)} is the URL's path part as
 * written (percent-encoding and all), without its query or fragment, which stay untouched after {@code end}.
 */
public record Reference(int start, int end, String rawPath) {
}
