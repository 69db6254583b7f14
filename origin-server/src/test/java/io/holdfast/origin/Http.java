package io.holdfast.origin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** A real HTTP client against a running origin, plus raw sockets for requests a client library refuses to send. */
final class Http {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    Http(URI base) {
        this.base = base;
    }

    HttpResponse<byte[]> get(String path, String... headers) throws IOException, InterruptedException {
        return send("GET", path, headers);
    }

    HttpResponse<byte[]> send(String method, String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> send(String method, String path, Map<String, String> headers) throws IOException, InterruptedException {
        String[] flat = new String[headers.size() * 2];
        int i = 0;
        for (var e : headers.entrySet()) {
            flat[i++] = e.getKey();
            flat[i++] = e.getValue();
        }
        return send(method, path, flat);
    }

    HttpClient client() {
        return client;
    }

    URI base() {
        return base;
    }

    /** Sends one raw request line (plus Host) and returns the status code of the answer. */
    int rawStatus(String requestTarget) throws IOException {
        return rawStatusBytes(("GET " + requestTarget + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
    }

    int rawStatusBytes(byte[] request) throws IOException {
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(12);
            String line = new String(head, StandardCharsets.ISO_8859_1);
            if (!line.startsWith("HTTP/1.1 ")) {
                return -1; // connection closed without an answer
            }
            return Integer.parseInt(line.substring(9, 12));
        }
    }
}
