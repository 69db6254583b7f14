package io.holdfast.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The holdfast command in a child JVM on the test class path, for what only a real process shows: signals, exit. */
final class ChildCommand {
    private static final Pattern URL = Pattern.compile("url=(\\S+)");
    private static final Pattern ADMIN = Pattern.compile("admin=(\\S+)");

    /** What {@code serve} printed first, and the rest of its standard output. */
    record Serving(String line, URI url, URI admin, BufferedReader stdout) {
    }

    private ChildCommand() {
    }

    static ProcessBuilder of(List<String> jvmOptions, String... args) {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp));
        command.addAll(jvmOptions);
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    /** Reads up to the {@code serving} line (a JVM may print notices first); fails with stderr if the process ends. */
    static Serving awaitServing(Process process, Path stderr) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        while (line != null && !line.startsWith("serving ")) {
            line = out.readLine();
        }
        assertTrue(line != null, "no 'serving' line; stderr:\n" + (Files.exists(stderr) ? Files.readString(stderr) : ""));
        Matcher url = URL.matcher(line);
        assertTrue(url.find(), line);
        Matcher admin = ADMIN.matcher(line);
        return new Serving(line, URI.create(url.group(1)), admin.find() ? URI.create(admin.group(1)) : null, out);
    }
}
