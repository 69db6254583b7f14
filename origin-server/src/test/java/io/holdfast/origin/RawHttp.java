package io.holdfast.origin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a raw socket, one request per connection: sends any bytes (what a client library refuses to send)
 * and reads the whole answer, so that nothing the server sends goes unseen.
 */
final class RawHttp {
    /** One answer. Header names lowercased; a repeated header keeps all its values. */
    record Response(int status, Map<String, List<String>> headers, byte[] body, int rawLength) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : v.get(0);
        }

        @Override
        public String toString() {
            return status + " " + headers + " body=" + body.length + " bytes";
        }
    }

    private RawHttp() {
    }

    /** Sends {@code request} (a complete request head) and reads until the server closes; null if it answered nothing. */
    static Response exchange(String host, int port, byte[] request, boolean head) throws IOException {
        try (Socket s = new Socket(host, port)) {
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            int n;
            try {
                while ((n = in.read(buf)) > 0) {
                    all.write(buf, 0, n);
                }
            } catch (java.net.SocketException reset) {
                // a server that resets after answering: parse what came
            }
            return parse(all.toByteArray(), head);
        }
    }

    static Response parse(byte[] raw, boolean head) throws IOException {
        int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        if (end < 0) {
            return raw.length == 0 ? null : new Response(-1, Map.of(), raw, raw.length);
        }
        String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        if (!lines[0].startsWith("HTTP/1.1 ") || lines[0].length() < 12) {
            throw new IOException("not an HTTP/1.1 status line: " + lines[0]);
        }
        int status = Integer.parseInt(lines[0].substring(9, 12));
        Map<String, List<String>> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).trim());
            }
        }
        byte[] rest = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        boolean noBody = head || status == 204 || status == 304 || status / 100 == 1;
        byte[] body;
        if (noBody) {
            body = rest;
        } else if (headers.containsKey("transfer-encoding")) {
            body = dechunk(rest);
        } else {
            body = rest;
        }
        return new Response(status, headers, body, raw.length);
    }

    private static byte[] dechunk(byte[] in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (true) {
            int eol = indexOf(java.util.Arrays.copyOfRange(in, i, in.length), "\r\n".getBytes(StandardCharsets.ISO_8859_1));
            if (eol < 0) {
                throw new IOException("truncated chunked body");
            }
            String size = new String(in, i, eol, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int n = Integer.parseInt(size, 16);
            i += eol + 2;
            if (n == 0) {
                return out.toByteArray();
            }
            out.write(in, i, n);
            i += n + 2;
        }
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
