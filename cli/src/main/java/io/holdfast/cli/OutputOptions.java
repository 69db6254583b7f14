package io.holdfast.cli;

import picocli.CommandLine.Option;

/** {@code --json}: one machine-readable document on stdout and nothing else; shared by every command. */
public final class OutputOptions {
    @Option(names = "--json", description = "Print one JSON document on stdout and nothing else (for CI).")
    boolean json;

    public boolean json() {
        return json;
    }

    /** Progress is shown only to a person at a terminal, never in --json mode or CI logs. */
    public boolean showProgress() {
        return !json && System.console() != null && System.getenv("CI") == null;
    }
}
