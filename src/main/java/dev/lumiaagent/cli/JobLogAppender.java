package dev.lumiaagent.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import dev.lumiaagent.job.JobLog;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Routes the agent's own log lines into the log of the job they belong to: every event whose MDC has
 * {@value #MDC_KEY} (the bench puts the job id there on the job's worker thread) goes to the
 * {@link JobLog} registered for that id, with its level, logger and message.
 *
 * <p>This class is also the one place that sets the levels of the agent's two log outputs, so neither
 * makes the other noisy:
 * <ul>
 *   <li>the console (the {@code STDERR} appender): WARN by default, DEBUG with {@code -v}
 *       ({@link #consoleLevel}); a threshold filter on the console appender holds it;</li>
 *   <li>the job logs ({@link #install}): the given level, and DEBUG for {@code dev.lumiaagent.protocol}
 *       and {@code dev.lumiaagent.flow}, so each packet a job exchanged is in its log.</li>
 * </ul>
 * Loggers are set to the lower of the two; a turbo filter drops, before any message is formatted, every
 * event below the console's level that belongs to no job, so a command that runs no job costs what it
 * cost before the job logs existed.
 *
 * <p>It extends {@link UnsynchronizedAppenderBase} rather than {@code AppenderBase}: the latter takes one
 * lock for every event of every thread, and each {@link JobLog} has its own lock already.
 */
public final class JobLogAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    /** The MDC key that names the job of the current thread. */
    public static final String MDC_KEY = "job";
    static final String NAME = "JOBLOG";
    /** Loggers whose DEBUG lines (protocol packets, flow decisions) belong in every job log. */
    static final List<String> DEBUG_LOGGERS = List.of("dev.lumiaagent.protocol", "dev.lumiaagent.flow");

    private static volatile Level console = Level.WARN;
    private static JobLogAppender installed; // guarded by JobLogAppender.class
    private static final Map<String, Level> levelsBefore = new HashMap<>();

    private final Level level;

    private JobLogAppender(Level level) {
        this.level = level;
        setName(NAME);
    }

    /**
     * Attaches the job-log appender to the root logger: events of level {@code level} and above from any
     * logger, and DEBUG and above from {@link #DEBUG_LOGGERS}, reach the job's log. Calling it again changes
     * the level. The console keeps its level.
     */
    public static synchronized void install(Level level) {
        if (level == null) {
            throw new IllegalArgumentException("the job log needs a level (e.g. INFO)");
        }
        Optional<LoggerContext> ctx = context();
        if (ctx.isEmpty()) {
            return; // another slf4j binding: nothing to attach to
        }
        Logger root = ctx.get().getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (installed != null) {
            root.detachAppender(installed);
            installed.stop();
        } else {
            for (String name : DEBUG_LOGGERS) {
                levelsBefore.put(name, ctx.get().getLogger(name).getLevel());
            }
            ctx.get().addTurboFilter(new NoJobBelowConsole());
        }
        JobLogAppender a = new JobLogAppender(level);
        a.setContext(ctx.get());
        a.start();
        root.addAppender(a);
        installed = a;
        apply(ctx.get());
    }

    /** Detaches the appender and gives the loggers back the levels they had. */
    public static synchronized void uninstall() {
        Optional<LoggerContext> ctx = context();
        if (ctx.isEmpty() || installed == null) {
            return;
        }
        Logger root = ctx.get().getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAppender(installed);
        installed.stop();
        installed = null;
        ctx.get().getTurboFilterList().removeIf(f -> f instanceof NoJobBelowConsole);
        for (Map.Entry<String, Level> e : levelsBefore.entrySet()) {
            ctx.get().getLogger(e.getKey()).setLevel(e.getValue());
        }
        levelsBefore.clear();
        apply(ctx.get());
    }

    /** The console's threshold: WARN normally, DEBUG with {@code -v}. Job logs keep theirs. */
    public static synchronized void consoleLevel(Level level) {
        if (level == null) {
            throw new IllegalArgumentException("the console needs a level (e.g. WARN)");
        }
        console = level;
        context().ifPresent(JobLogAppender::apply);
    }

    /** Root at the lower of console and job-log levels; the console's own threshold on its appenders. */
    private static void apply(LoggerContext ctx) {
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level lowest = installed != null && !installed.level.isGreaterOrEqual(console) ? installed.level : console;
        root.setLevel(lowest);
        if (installed != null) {
            for (String name : DEBUG_LOGGERS) {
                ctx.getLogger(name).setLevel(Level.DEBUG);
            }
        }
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            Appender<ILoggingEvent> a = it.next();
            if (!(a instanceof ConsoleAppender)) {
                continue;
            }
            boolean found = false;
            for (Filter<ILoggingEvent> f : a.getCopyOfAttachedFiltersList()) {
                if (f instanceof ThresholdFilter) {
                    ((ThresholdFilter) f).setLevel(console.toString());
                    found = true;
                }
            }
            if (!found) { // a configuration without the filter: the console must not get the job logs' DEBUG
                ThresholdFilter f = new ThresholdFilter();
                f.setContext(ctx);
                f.setLevel(console.toString());
                f.start();
                a.addFilter(f);
            }
        }
    }

    private static Optional<LoggerContext> context() {
        Object f = LoggerFactory.getILoggerFactory();
        return f instanceof LoggerContext ? Optional.of((LoggerContext) f) : Optional.empty();
    }

    @Override
    protected void append(ILoggingEvent event) {
        try {
            String id = event.getMDCPropertyMap().get(MDC_KEY);
            if (id == null) {
                return;
            }
            Optional<JobLog> log = JobLog.registered(id);
            if (log.isEmpty() || !wanted(event)) {
                return;
            }
            IThrowableProxy p = event.getThrowableProxy();
            Throwable thrown = p instanceof ThrowableProxy ? ((ThrowableProxy) p).getThrowable() : null;
            log.get().logged(event.getLevel().toString(), event.getLoggerName(), event.getFormattedMessage(), thrown);
        } catch (RuntimeException e) {
            addError("could not write a line to a job log", e); // logback's status, never the logging thread
        }
    }

    private boolean wanted(ILoggingEvent event) {
        if (event.getLevel().isGreaterOrEqual(level)) {
            return true;
        }
        if (!event.getLevel().isGreaterOrEqual(Level.DEBUG)) {
            return false;
        }
        String logger = event.getLoggerName();
        for (String name : DEBUG_LOGGERS) {
            if (logger.equals(name) || logger.startsWith(name + ".")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Denies, before the message is formatted, events below the console's level on a thread with no job:
     * nobody would see them. Events on a job's thread go on to the appenders.
     */
    static final class NoJobBelowConsole extends TurboFilter {
        NoJobBelowConsole() {
            start();
        }

        @Override
        public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
            if (level == null || level.isGreaterOrEqual(console)) {
                return FilterReply.NEUTRAL;
            }
            return MDC.get(MDC_KEY) == null ? FilterReply.DENY : FilterReply.NEUTRAL;
        }
    }
}
