package io.holdfast.testing;

import io.holdfast.config.StoreConfig;
import io.holdfast.config.StoreFactory;
import io.holdfast.store.RetryLoop;
import io.holdfast.store.s3.S3Settings;
import io.holdfast.store.s3.S3Store;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A fault-injecting HTTP/1.1 proxy on loopback in front of a real S3 server: requests are forwarded byte for byte
 * (so signatures stay valid) unless a rule picks a fault for them.
 *
 * <ul>
 * <li>{@link Fault#INTERNAL_ERROR} and {@link Fault#SLOW_DOWN}: answer 500 InternalError / 503 SlowDown without
 *     forwarding;</li>
 * <li>{@link Fault#DELAY}: hold the request for a while (past the client's timeout), then forward it anyway, as a
 *     slow server would: the write may land after the client gave up;</li>
 * <li>{@link Fault#RESET}: reset the connection (TCP RST) without forwarding;</li>
 * <li>{@link Fault#LOSE_RESPONSE}: forward, let the server complete the request, then reset the connection instead of
 *     answering ("succeeded, but the response was lost");</li>
 * <li>{@link Fault#CUT_BODY}: forward, send the response head and half of its body, then reset.</li>
 * </ul>
 * Rules are checked in the order they were added; each applies to a number of matching requests (or forever) after
 * skipping some. A seeded random mode picks faults with a probability. Every request is logged with what was done.
 */
public final class FaultyS3Proxy implements AutoCloseable {
    /** What happens to one request. */
    public enum Fault { PASS, INTERNAL_ERROR, SLOW_DOWN, DELAY, RESET, LOSE_RESPONSE, CUT_BODY }

    /** One request as the proxy saw it. {@code key} is the object key (path after the bucket), decoded. */
    public record Request(String method, String path, String query, String bucket, String key, Map<String, String> headers) {
        public boolean is(String m) {
            return method.equalsIgnoreCase(m);
        }

        /** The key contains this (e.g. {@code "blobs/"}, {@code "releases/"}); a listing matches its prefix parameter. */
        public boolean about(String fragment) {
            return key.contains(fragment)
                    || java.net.URLDecoder.decode(query, StandardCharsets.UTF_8).contains(fragment);
        }

        public boolean isList() {
            return is("GET") && key.isEmpty() && query.contains("list-type=2");
        }

        public boolean isBatchDelete() {
            return is("POST") && query.contains("delete");
        }

        @Override
        public String toString() {
            return method + " " + path + (query.isEmpty() ? "" : "?" + query);
        }
    }

    /** Request predicates for rules. */
    public static final class On {
        private On() {
        }

        public static Predicate<Request> any() {
            return r -> true;
        }

        public static Predicate<Request> method(String m) {
            return r -> r.is(m);
        }

        /** A PUT of a key containing {@code fragment}. */
        public static Predicate<Request> put(String fragment) {
            return r -> r.is("PUT") && r.key().contains(fragment);
        }

        /** A GET or HEAD of a key containing {@code fragment}. */
        public static Predicate<Request> read(String fragment) {
            return r -> (r.is("GET") || r.is("HEAD")) && !r.key().isEmpty() && r.key().contains(fragment);
        }

        public static Predicate<Request> list() {
            return Request::isList;
        }

        public static Predicate<Request> list(String prefix) {
            return r -> r.isList() && r.about(prefix);
        }

        public static Predicate<Request> batchDelete() {
            return Request::isBatchDelete;
        }
    }

    private static final class Rule {
        final Predicate<Request> matches;
        final Fault fault;
        int skip;
        int remaining; // -1: forever

        Rule(Predicate<Request> matches, Fault fault, int skip, int times) {
            this.matches = matches;
            this.fault = fault;
            this.skip = skip;
            this.remaining = times;
        }
    }

    private static final Set<String> DROPPED_REQUEST_HEADERS = Set.of("expect");
    private final URI upstream;
    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "faulty-s3-proxy");
        t.setDaemon(true);
        return t;
    });
    private final List<Rule> rules = new ArrayList<>();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final Map<Fault, AtomicInteger> counts = new EnumMap<>(Fault.class);
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile Duration delay = Duration.ofSeconds(2);
    private Random random; // guarded by rules
    private double probability;
    private List<Fault> randomFaults = List.of();
    private Predicate<Request> randomScope = On.any();
    private volatile boolean closed;

    private FaultyS3Proxy(URI upstream) throws IOException {
        this.upstream = upstream;
        for (Fault f : Fault.values()) {
            counts.put(f, new AtomicInteger());
        }
        this.listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    /** A proxy in front of {@code upstream} (e.g. {@code S3TestServer.endpoint()}). */
    public static FaultyS3Proxy start(URI upstream) {
        try {
            return new FaultyS3Proxy(upstream);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fault-injecting proxy", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /** {@code server}'s config of a bucket and prefix, reached through this proxy. */
    public StoreConfig config(S3TestServer server, String bucket, String prefix) {
        StoreConfig direct = server.config(bucket, prefix);
        return new StoreConfig(direct.uri(), Optional.of(endpoint().toString()), direct.region(), true,
                direct.accessKey(), direct.secretKey());
    }

    /**
     * An S3 store through this proxy with the given socket timeout, not retrying (wrap it in a
     * {@code RetryingStore} for that). Opening it sends a few requests; add faults afterwards.
     */
    public S3Store open(StoreConfig config, Duration socketTimeout) {
        S3Settings settings = StoreFactory.s3Settings(config).withTimeouts(Duration.ofSeconds(2), socketTimeout);
        return S3Store.open(settings, true);
    }

    /** Retries with short backoffs and a real sleep, as in production but fast: {@code attempts} tries. */
    public static RetryLoop fastRetries(int attempts) {
        return new RetryLoop(new RetryLoop.Policy(attempts, Duration.ofMillis(5), Duration.ofMillis(50), Duration.ofSeconds(60)),
                d -> Thread.sleep(d.toMillis()), System::nanoTime, () -> 0.5);
    }

    /** How long {@link Fault#DELAY} holds a request (default 2 s). */
    public FaultyS3Proxy delay(Duration d) {
        this.delay = d;
        return this;
    }

    /** The next {@code times} requests matching (after {@code skip} matching ones passed) get {@code fault}. */
    public FaultyS3Proxy on(Predicate<Request> matches, Fault fault, int skip, int times) {
        synchronized (rules) {
            rules.add(new Rule(matches, fault, skip, times));
        }
        return this;
    }

    public FaultyS3Proxy once(Predicate<Request> matches, Fault fault) {
        return on(matches, fault, 0, 1);
    }

    public FaultyS3Proxy always(Predicate<Request> matches, Fault fault) {
        return on(matches, fault, 0, -1);
    }

    /** Every request in {@code scope} not caught by a rule gets one of {@code faults} with this probability. */
    public FaultyS3Proxy random(long seed, double p, List<Fault> faults, Predicate<Request> scope) {
        synchronized (rules) {
            this.random = new Random(seed);
            this.probability = p;
            this.randomFaults = List.copyOf(faults);
            this.randomScope = scope;
        }
        return this;
    }

    /** Back to a healthy server: no rules, no random faults. */
    public FaultyS3Proxy heal() {
        synchronized (rules) {
            rules.clear();
            random = null;
        }
        return this;
    }

    /** Every request so far as "METHOD path?query -> FAULT". */
    public List<String> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    public int count(Fault f) {
        return counts.get(f).get();
    }

    /** Faults injected so far (everything but PASS). */
    public int faults() {
        int n = 0;
        for (Fault f : Fault.values()) {
            if (f != Fault.PASS) {
                n += count(f);
            }
        }
        return n;
    }

    private Fault choose(Request r) {
        synchronized (rules) {
            for (Rule rule : rules) {
                if (rule.remaining == 0 || !rule.matches.test(r)) {
                    continue;
                }
                if (rule.skip > 0) {
                    rule.skip--;
                    continue;
                }
                if (rule.remaining > 0) {
                    rule.remaining--;
                }
                return rule.fault;
            }
            if (random != null && randomScope.test(r) && random.nextDouble() < probability) {
                return randomFaults.get(random.nextInt(randomFaults.size()));
            }
            return Fault.PASS;
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                open.add(client);
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                if (!closed) {
                    log.add("accept failed: " + e);
                }
                return;
            }
        }
    }

    /** One client connection: requests in turn, over one upstream connection opened when needed. */
    private void serve(Socket client) {
        Socket up = null;
        try {
            client.setTcpNoDelay(true);
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            while (!closed) {
                Head head = Head.read(in);
                if (head == null) {
                    return;
                }
                Request request = head.request();
                if ("100-continue".equalsIgnoreCase(head.header("expect"))) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
                byte[] body = head.readBody(in);
                Fault fault = choose(request);
                counts.get(fault).incrementAndGet();
                log.add(request + " -> " + fault);
                switch (fault) {
                    case INTERNAL_ERROR -> {
                        error(out, 500, "Internal Server Error", "InternalError", "injected fault");
                        return;
                    }
                    case SLOW_DOWN -> {
                        error(out, 503, "Slow Down", "SlowDown", "Please reduce your request rate.");
                        return;
                    }
                    case RESET -> {
                        reset(client);
                        return;
                    }
                    case DELAY -> pause(delay);
                    default -> {
                    }
                }
                Head response = null;
                for (int attempt = 1; response == null; attempt++) {
                    boolean reused = up != null;
                    if (up == null) {
                        up = new Socket();
                        up.connect(new InetSocketAddress(upstream.getHost(), upstream.getPort()), 5000);
                        up.setTcpNoDelay(true);
                        open.add(up);
                    }
                    try {
                        OutputStream upOut = up.getOutputStream();
                        upOut.write(head.forwarded(DROPPED_REQUEST_HEADERS));
                        upOut.write(body);
                        upOut.flush();
                        response = Head.read(up.getInputStream());
                        if (response == null) {
                            throw new IOException("upstream closed without answering " + request);
                        }
                    } catch (IOException e) {
                        // The server closed a kept-alive connection (it does after some errors) before reading this
                        // request: send it again on a new one. Not an injected fault.
                        close(up);
                        up = null;
                        if (!reused || attempt > 1) {
                            throw e;
                        }
                    }
                }
                if (Boolean.getBoolean("holdfast.proxy.debug")) {
                    log.add("  response " + response.startLine() + " " + response.headers());
                }
                boolean noBody = request.is("HEAD") || response.status() == 204 || response.status() == 304
                        || response.status() / 100 == 1;
                byte[] responseBody = noBody ? new byte[0] : response.readBody(up.getInputStream());
                boolean upstreamCloses = "close".equalsIgnoreCase(response.header("connection"))
                        || response.framing() == Framing.UNTIL_CLOSE && !noBody;
                if (upstreamCloses) {
                    close(up);
                    up = null;
                }
                if (fault == Fault.LOSE_RESPONSE) {
                    reset(client);
                    return;
                }
                if (fault == Fault.CUT_BODY) {
                    out.write(response.raw());
                    out.write(responseBody, 0, responseBody.length / 2);
                    out.flush();
                    reset(client);
                    return;
                }
                out.write(response.raw());
                out.write(responseBody);
                out.flush();
                if (response.framing() == Framing.UNTIL_CLOSE && !noBody) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // The client went away (e.g. it timed out during a DELAY), or the upstream failed: drop the connection.
            log.add("connection dropped: " + e);
        } finally {
            close(client);
            close(up);
        }
    }

    private static void error(OutputStream out, int status, String reason, String code, String message) throws IOException {
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
                + "</Message><RequestId>faulty-proxy</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/xml\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0); // close() now sends RST
        } catch (SocketException ignored) {
            // already closed
        }
        close(s);
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis()); // the injected fault itself: a slow server, not synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void close(Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // closing a connection we are abandoning
        }
    }

    @Override
    public void close() {
        closed = true;
        close(listener);
        for (Socket s : open) {
            close(s);
        }
        threads.shutdownNow();
    }

    private enum Framing { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

    /** A request or response head: the start line and headers, as received. */
    private record Head(byte[] raw, String startLine, Map<String, String> headers) {
        static Head read(InputStream in) throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(1024);
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    if (buf.size() == 0) {
                        return null;
                    }
                    throw new IOException("connection closed inside a message head");
                }
                buf.write(b);
                matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                        ? matched + 1 : (b == '\r' ? 1 : 0);
                if (buf.size() > 256 * 1024) {
                    throw new IOException("message head too large");
                }
            }
            byte[] raw = buf.toByteArray();
            String text = new String(raw, StandardCharsets.ISO_8859_1);
            String[] lines = text.split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
                }
            }
            return new Head(raw, lines[0], headers);
        }

        String header(String lowercase) {
            return headers.get(lowercase);
        }

        int status() {
            String[] parts = startLine.split(" ", 3);
            return Integer.parseInt(parts[1]);
        }

        Framing framing() {
            String te = header("transfer-encoding");
            if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
                return Framing.CHUNKED;
            }
            if (header("content-length") != null) {
                return Framing.LENGTH;
            }
            return startLine.startsWith("HTTP/") ? Framing.UNTIL_CLOSE : Framing.NONE;
        }

        /** The body as framed (raw, chunk markers included, so it can be relayed as is). */
        byte[] readBody(InputStream in) throws IOException {
            switch (framing()) {
                case LENGTH -> {
                    long n = Long.parseLong(header("content-length").trim());
                    return in.readNBytes((int) n);
                }
                case CHUNKED -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    while (true) {
                        String sizeLine = line(in, out);
                        int semi = sizeLine.indexOf(';');
                        int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                        if (size == 0) {
                            while (!line(in, out).isEmpty()) {
                                // trailers
                            }
                            return out.toByteArray();
                        }
                        out.write(in.readNBytes(size));
                        line(in, out); // CRLF after the chunk
                    }
                }
                case UNTIL_CLOSE -> {
                    return in.readAllBytes();
                }
                default -> {
                    return new byte[0];
                }
            }
        }

        private static String line(InputStream in, ByteArrayOutputStream copy) throws IOException {
            StringBuilder s = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0) {
                copy.write(b);
                if (b == '\n') {
                    break;
                }
                if (b != '\r') {
                    s.append((char) b);
                }
            }
            if (b < 0) {
                throw new IOException("connection closed inside a chunked body");
            }
            return s.toString();
        }

        /** The head to send upstream, without the named headers. */
        byte[] forwarded(Set<String> dropped) {
            String text = new String(raw, StandardCharsets.ISO_8859_1);
            StringBuilder out = new StringBuilder();
            for (String line : text.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && dropped.contains(line.substring(0, colon).trim().toLowerCase(Locale.ROOT))) {
                    continue;
                }
                out.append(line).append("\r\n");
            }
            out.append("\r\n");
            return out.toString().getBytes(StandardCharsets.ISO_8859_1);
        }

        Request request() {
            String[] parts = startLine.split(" ");
            String target = parts.length > 1 ? parts[1] : "/";
            int q = target.indexOf('?');
            String path = q < 0 ? target : target.substring(0, q);
            String query = q < 0 ? "" : target.substring(q + 1);
            String decoded = java.net.URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
            String trimmed = decoded.startsWith("/") ? decoded.substring(1) : decoded;
            int slash = trimmed.indexOf('/');
            String bucket = slash < 0 ? trimmed : trimmed.substring(0, slash);
            String key = slash < 0 ? "" : trimmed.substring(slash + 1);
            return new Request(parts[0], path, query, bucket, key, Map.copyOf(headers));
        }
    }
}
