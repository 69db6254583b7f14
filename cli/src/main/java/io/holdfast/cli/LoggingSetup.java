package io.holdfast.cli;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The command's logging, set up in code: logs are data, one {@code key=value} line per event on stderr (stdout is
 * the command's output). Parsing an XML configuration instead loads some 450 classes and costs a tenth of a
 * second or more of every command's start. Levels: {@code HOLDFAST_LOG_LEVEL} (root, default WARN),
 * {@code HOLDFAST_ORIGIN_LOG_LEVEL} and {@code HOLDFAST_ACCESS_LOG_LEVEL} (default INFO). A {@code logback-test.xml}
 * on the class path or {@code -Dlogback.configurationFile} takes precedence, unless {@code -D}{@value #PRODUCTION}
 * asks for this set-up anyway (tests of the shipped logging).
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LoggingSetup extends ContextAwareBase implements Configurator {
    static final String PRODUCTION = "holdfast.logging.production";
    static final String PATTERN = "ts=%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} level=%level logger=%logger{0} %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (!Boolean.getBoolean(PRODUCTION) && (System.getProperty("logback.configurationFile") != null
                || LoggingSetup.class.getClassLoader().getResource("logback-test.xml") != null)) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();

        for (String quiet : new String[] {"org.apache", "software.amazon", "io.undertow", "org.xnio", "org.jboss"}) {
            context.getLogger(quiet).setLevel(Level.WARN);
        }
        // The origin (holdfast serve): its events at INFO, and one access line per request, written by a separate
        // thread that drops lines rather than slow requests down when the terminal or journal cannot keep up.
        context.getLogger("io.holdfast.origin").setLevel(level("HOLDFAST_ORIGIN_LOG_LEVEL", Level.INFO));
        Logger access = context.getLogger("holdfast.access");
        access.setLevel(level("HOLDFAST_ACCESS_LOG_LEVEL", Level.INFO));
        access.setAdditive(false);
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName("ACCESS");
        async.setQueueSize(8192);
        async.setDiscardingThreshold(0);
        async.setNeverBlock(true);
        async.addAppender(stderr);
        async.start();
        access.addAppender(async);

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level("HOLDFAST_LOG_LEVEL", Level.WARN));
        root.addAppender(stderr);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static Level level(String name, Level otherwise) {
        String v = System.getProperty(name, System.getenv(name));
        return v == null || v.isBlank() ? otherwise : Level.toLevel(v.strip(), otherwise);
    }
}
