package io.holdfast.cli;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code holdfast} command. Each subcommand lives in its own class; this one only wires them. */
@Command(name = "holdfast", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Versioned asset store and CDN origin: publish fingerprinted releases, serve every retained one, collect garbage safely.",
        subcommands = {
            CommandLine.HelpCommand.class,
            PublishCommand.class,
            ReleasesCommand.class,
            ShowCommand.class,
            VerifyCommand.class,
            PromoteCommand.class,
            RollbackCommand.class,
            ChannelsCommand.class,
            ServeCommand.class,
            GcCommand.class,
            PinCommand.class,
            UnpinCommand.class,
            RestoreCommand.class,
        })
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line and returns the exit code (tests call this in-process). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(Main::handle);
        cli.setParameterExceptionHandler(Main::invalidInput);
        return cli.execute(args);
    }

    /**
     * Picocli's own answer to bad input, with secrets masked: an unknown option (a mistyped {@code --s3-secret-key})
     * is echoed with the value that follows it, and that value is then a credential in a CI log.
     */
    private static int invalidInput(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(Secrets.mask(String.valueOf(e.getMessage()), args));
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) { // suggestions are option names only
            cmd.usage(err);
        }
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** A failure is one line on stderr, "holdfast: ...", and the exit code of its kind. */
    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        String[] args = parsed == null ? new String[0] : parsed.originalArgs().toArray(String[]::new);
        if (e instanceof HoldfastException he) {
            err.println("holdfast: " + Secrets.mask(oneLine(he.getMessage()), args));
            return he.kind().exitCode();
        }
        err.println("holdfast: internal error: " + Secrets.mask(oneLine(String.valueOf(e)), args));
        if (System.getenv("HOLDFAST_DEBUG") != null) {
            e.printStackTrace(err);
        }
        return ErrorKind.INTERNAL.exitCode();
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
