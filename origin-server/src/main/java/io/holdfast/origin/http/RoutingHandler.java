package io.holdfast.origin.http;

import io.holdfast.manifest.ChannelName;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.origin.index.AssetKind;
import io.holdfast.origin.index.IndexSnapshot;
import io.holdfast.origin.index.LoadedRelease;
import io.holdfast.origin.index.ReleaseIndex;
import io.holdfast.origin.index.ServedAsset;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * Maps a path to what it serves, from the index's current snapshot:
 * <ul>
 * <li>{@code /_releases/<id>/<path>}: any asset of that release ({@code /_releases/<id>/} is its index.html);</li>
 * <li>{@code /_manifests/<id>.json}: that release's manifest;</li>
 * <li>{@code /_channels/<name>/manifest.json}: the manifest of the channel's current release;</li>
 * <li>anything else: a fingerprinted asset of any retained release, else an entry point of the channel's current
 * release ({@code /} and {@code …/} mean {@code index.html}).</li>
 * </ul>
 * Found: the asset goes down the chain. Not found: the miss handler looks the store up again.
 */
public final class RoutingHandler implements HttpHandler {
    static final String RELEASES = "/_releases/";
    static final String MANIFESTS = "/_manifests/";
    static final String CHANNELS = "/_channels/";
    private static final String CHANNEL_MANIFEST = "/manifest.json";
    private final HttpHandler found;
    private final HttpHandler missing;
    private final ReleaseIndex index;
    private final String entryCacheControl;

    public RoutingHandler(HttpHandler found, HttpHandler missing, ReleaseIndex index, String entryCacheControl) {
        this.found = found;
        this.missing = missing;
        this.index = index;
        this.entryCacheControl = entryCacheControl;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        OriginRequest r = OriginRequest.of(exchange);
        ServedAsset a = resolve(index.snapshot(), r.path);
        if (a == null) {
            missing.handleRequest(exchange);
            return;
        }
        r.asset = a;
        r.kind = a.kind.requestKind();
        found.handleRequest(exchange);
    }

    ServedAsset resolve(IndexSnapshot s, String path) {
        if (path.length() > 2 && path.charAt(1) == '_') {
            if (path.startsWith(RELEASES)) {
                return releaseAsset(s, path);
            }
            if (path.startsWith(MANIFESTS)) {
                return manifest(s, path);
            }
            if (path.startsWith(CHANNELS)) {
                return channelManifest(s, path);
            }
        }
        return s.lookup(path);
    }

    private static ServedAsset releaseAsset(IndexSnapshot s, String path) {
        int slash = path.indexOf('/', RELEASES.length());
        if (slash < 0) {
            return null;
        }
        LoadedRelease r = release(s, path.substring(RELEASES.length(), slash));
        if (r == null) {
            return null;
        }
        String rest = path.substring(slash + 1);
        if (rest.isEmpty() || rest.endsWith("/")) {
            rest = rest + "index.html";
        }
        return r.asset(rest);
    }

    private static ServedAsset manifest(IndexSnapshot s, String path) {
        if (!path.endsWith(".json") || path.indexOf('/', MANIFESTS.length()) >= 0) {
            return null;
        }
        LoadedRelease r = release(s, path.substring(MANIFESTS.length(), path.length() - ".json".length()));
        return r == null ? null : r.manifestDocument();
    }

    private ServedAsset channelManifest(IndexSnapshot s, String path) {
        if (!path.endsWith(CHANNEL_MANIFEST)) {
            return null;
        }
        String name = path.substring(CHANNELS.length(), path.length() - CHANNEL_MANIFEST.length());
        if (!name.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
            return null;
        }
        LoadedRelease r = s.currentOf(ChannelName.of(name));
        return r == null ? null : r.manifestDocument().as(AssetKind.CHANNEL_MANIFEST, entryCacheControl);
    }

    private static LoadedRelease release(IndexSnapshot s, String id) {
        return ReleaseId.isValid(id) ? s.release(ReleaseId.of(id)) : null;
    }
}
