package io.holdfast.origin.http;

import io.undertow.util.HttpString;

/** Header names Undertow's {@code Headers} lacks, created once. */
final class HeaderNames {
    static final HttpString ACCESS_CONTROL_ALLOW_ORIGIN = new HttpString("Access-Control-Allow-Origin");
    static final HttpString ACCESS_CONTROL_ALLOW_METHODS = new HttpString("Access-Control-Allow-Methods");
    static final HttpString ACCESS_CONTROL_ALLOW_HEADERS = new HttpString("Access-Control-Allow-Headers");
    static final HttpString ACCESS_CONTROL_REQUEST_METHOD = new HttpString("Access-Control-Request-Method");
    static final HttpString ACCESS_CONTROL_MAX_AGE = new HttpString("Access-Control-Max-Age");
    static final HttpString HOLDFAST_RELEASE = new HttpString("X-Holdfast-Release");

    private HeaderNames() {
    }
}
