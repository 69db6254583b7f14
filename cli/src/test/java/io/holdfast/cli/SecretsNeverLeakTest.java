package io.holdfast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.holdfast.testing.S3TestServer;
import io.holdfast.testing.Trees;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Credentials never appear in logs, errors, {@code --json} output or metrics. Every command runs with recognisable
 * credentials (flags or environment) against an unreachable endpoint, a missing bucket and a wrong secret, and
 * everything it printed or logged (every level of Holdfast's loggers, stack traces with {@code HOLDFAST_DEBUG}) is
 * searched for them; an origin running with real credentials is searched too: its logs, metrics and readiness.
 */
class SecretsNeverLeakTest {
    private static final String SECRET = "SeCrEtCaNaRy-" + UUID.randomUUID();
    private static final String ACCESS = "AKIACANARY" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();

    @TempDir
    Path tmp;

    private record Captured(int code, String out, String err, String logs) {
        String all() {
            return out + "\n" + err + "\n" + logs;
        }
    }

    /** Runs a command in process, with every Holdfast log event (down to TRACE) captured. */
    private static Captured run(List<String> args) {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger holdfast = (Logger) LoggerFactory.getLogger("io.holdfast");
        Level before = holdfast.getLevel();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        holdfast.setLevel(Level.TRACE);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try {
            int code = Main.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
            StringBuilder logged = new StringBuilder();
            for (ILoggingEvent e : logs.list) {
                logged.append(e.getLevel()).append(' ').append(e.getLoggerName()).append(' ').append(e.getFormattedMessage()).append('\n');
                for (var t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                    logged.append("  ").append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
                }
            }
            return new Captured(code, out.toString(), err.toString(), logged.toString());
        } finally {
            root.detachAppender(logs);
            holdfast.setLevel(before);
        }
    }

    private static void assertNoCredentials(String context, Captured c) {
        assertFalse(c.all().contains(SECRET), context + ": the secret key appeared:\n" + c.all());
        assertFalse(c.out().contains(ACCESS) || c.err().contains(ACCESS), context + ": the access key appeared:\n" + c.out() + c.err());
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void failingCommandsWithCredentialFlagsPrintNeitherKey() throws Exception {
        S3TestServer s3 = S3TestServer.shared();
        String bucket = s3.createBucket();
        Path site = Trees.write(tmp.resolve("site"), Trees.smallSite());
        String endpoint = s3.endpoint().toString();
        Map<String, List<String>> targets = Map.of(
                "unreachable endpoint", List.of("--store", "s3://" + bucket + "/p", "--s3-endpoint", "http://127.0.0.1:" + closedPort()),
                "missing bucket", List.of("--store", "s3://no-such-bucket-" + UUID.randomUUID() + "/p", "--s3-endpoint", endpoint),
                "wrong secret", List.of("--store", "s3://" + bucket + "/p", "--s3-endpoint", endpoint));
        List<List<String>> commands = List.of(
                List.of("publish", site.toString(), "--release", "1", "--json"),
                List.of("gc", "--dry-run", "--json"),
                List.of("verify", "--json"),
                List.of("releases", "--json"),
                List.of("show", "1", "--json"),
                List.of("promote", "1", "--channel", "production"),
                List.of("channels", "--json"),
                List.of("pin", "1", "--reason", "incident"),
                List.of("restore", "1"));
        int runs = 0;
        for (Map.Entry<String, List<String>> target : targets.entrySet()) {
            boolean slow = target.getKey().startsWith("unreachable"); // retried with backoff: a few commands only
            for (List<String> command : slow ? commands.subList(0, 3) : commands) {
                List<String> args = new ArrayList<>(command);
                args.addAll(target.getValue());
                args.addAll(List.of("--s3-region", "us-east-1", "--s3-path-style", "--s3-access-key", ACCESS, "--s3-secret-key", SECRET));
                Captured c = run(args);
                String context = target.getKey() + ": " + String.join(" ", command);
                assertNotEquals(0, c.code(), context + " should fail");
                assertEquals(1, c.err().strip().lines().count(), context + ": one error line: " + c.err());
                assertNoCredentials(context, c);
                runs++;
            }
        }
        // A mistyped flag must not echo the secret that follows it.
        Captured typo = run(List.of("releases", "--store", "s3://" + bucket + "/p", "--s3-secret-kee", SECRET));
        assertNotEquals(0, typo.code());
        assertNoCredentials("a mistyped flag", typo);
        System.out.println("[figures] secrets: " + (runs + 1) + " failing command runs, secret and access key absent from"
                + " stdout, stderr and every log level");
    }

    @Test
    void environmentCredentialsWithDebugStackTracesStayHidden() throws Exception {
        S3TestServer s3 = S3TestServer.shared();
        String bucket = s3.createBucket();
        Path site = Trees.write(tmp.resolve("site"), Trees.smallSite());
        // The unreachable endpoint is covered in process above; here the server answers, with a wrong secret.
        for (String endpoint : List.of(s3.endpoint().toString())) {
            ProcessBuilder pb = holdfast("publish", site.toString(), "--release", "1", "--json");
            Map<String, String> env = pb.environment();
            env.put("HOLDFAST_STORE", "s3://" + bucket + "/p");
            env.put("HOLDFAST_S3_ENDPOINT", endpoint);
            env.put("HOLDFAST_S3_REGION", "us-east-1");
            env.put("HOLDFAST_S3_PATH_STYLE", "true");
            env.put("HOLDFAST_S3_ACCESS_KEY", ACCESS);
            env.put("HOLDFAST_S3_SECRET_KEY", SECRET);
            env.put("HOLDFAST_DEBUG", "1");
            env.put("HOLDFAST_LOG_LEVEL", "TRACE");
            Captured c = finish(pb, 120);
            assertNotEquals(0, c.code(), c.err());
            assertNoCredentials("environment credentials, " + endpoint, c);
            if (endpoint.equals(s3.endpoint().toString())) {
                // --help shows no default taken from the environment either.
                ProcessBuilder help = holdfast("publish", "--help");
                help.environment().putAll(env);
                assertNoCredentials("--help", finish(help, 60));
            }
        }
    }

    @Test
    void aRunningOriginKeepsItsCredentialsOutOfLogsMetricsAndReadiness() throws Exception {
        S3TestServer s3 = S3TestServer.shared();
        String bucket = s3.createBucket();
        String secret = S3TestServer.SECRET_KEY;
        Path site = Trees.write(tmp.resolve("site"), Trees.smallSite());
        List<String> creds = List.of("--store", "s3://" + bucket + "/p", "--s3-endpoint", s3.endpoint().toString(),
                "--s3-region", "us-east-1", "--s3-path-style", "--s3-access-key", S3TestServer.ACCESS_KEY, "--s3-secret-key", secret);
        List<String> publish = new ArrayList<>(List.of("publish", site.toString(), "--release", "1", "--channel", "production", "--json"));
        publish.addAll(creds);
        Captured p = run(publish);
        assertEquals(0, p.code(), p.err());
        assertFalse(p.all().contains(secret), p.all());

        ProcessBuilder pb = holdfast("serve", "--bind", "127.0.0.1", "--port", "0", "--admin-port", "0");
        pb.environment().put("HOLDFAST_STORE", "s3://" + bucket + "/p");
        pb.environment().put("HOLDFAST_S3_ENDPOINT", s3.endpoint().toString());
        pb.environment().put("HOLDFAST_S3_REGION", "us-east-1");
        pb.environment().put("HOLDFAST_S3_PATH_STYLE", "true");
        pb.environment().put("HOLDFAST_S3_ACCESS_KEY", S3TestServer.ACCESS_KEY);
        pb.environment().put("HOLDFAST_S3_SECRET_KEY", secret);
        pb.environment().put("HOLDFAST_LOG_LEVEL", "DEBUG");
        pb.environment().put("HOLDFAST_ORIGIN_LOG_LEVEL", "TRACE");
        pb.redirectError(tmp.resolve("serve-stderr.txt").toFile());
        Process process = pb.start();
        try {
            ChildCommand.Serving serving = ChildCommand.awaitServing(process, tmp.resolve("serve-stderr.txt"));
            BufferedReader out = serving.stdout();
            assertNotNull(serving.admin(), serving.line());
            HttpClient http = HttpClient.newHttpClient();
            StringBuilder seen = new StringBuilder(serving.line()).append('\n');
            for (URI u : List.of(serving.url().resolve("/"), serving.url().resolve("/nope"), serving.admin().resolve("/metrics"),
                    serving.admin().resolve("/readyz"), serving.admin().resolve("/healthz"))) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(u).build(), HttpResponse.BodyHandlers.ofString());
                seen.append(r.headers().map()).append('\n').append(r.body()).append('\n');
            }
            process.destroy();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            StringBuilder rest = new StringBuilder();
            try {
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                    rest.append(l).append('\n');
                }
            } catch (IOException closed) {
                // the process is gone: what it printed was read above
            }
            String everything = seen + rest.toString() + Files.readString(tmp.resolve("serve-stderr.txt"));
            assertTrue(everything.contains("holdfast_origin_requests_seconds"), "metrics were scraped");
            assertFalse(everything.contains(secret), "the secret key appeared:\n" + everything);
            assertFalse(everything.contains(S3TestServer.ACCESS_KEY), "the access key appeared:\n" + everything);
        } finally {
            process.destroyForcibly();
        }
    }

    private static ProcessBuilder holdfast(String... args) {
        return ChildCommand.of(List.of("-D" + LoggingSetup.PRODUCTION + "=true"), args);
    }

    private Captured finish(ProcessBuilder pb, int seconds) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), "finished in time");
            return new Captured(p.exitValue(), Files.readString(out), Files.readString(err), "");
        } finally {
            p.destroyForcibly();
        }
    }
}
