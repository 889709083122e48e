package dev.lumiaagent.cli;

import java.io.IOException;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The terminal's size in cells, read when asked (so a resize is seen at the next redraw). On a real terminal it comes
 * from JLine (an ioctl through its JNI provider); where that cannot be had, from {@code $COLUMNS}/{@code $LINES}, else
 * 80 × 24. JLine is asked for the size only: its signal handling stays off, so Ctrl-C still stops a run the agent's
 * way (jobs left resumable).
 */
interface ScreenSize extends AutoCloseable {
    int width();

    int height();

    @Override
    default void close() {
    }

    /** A fixed size (tests, and piped output). */
    static ScreenSize fixed(int width, int height) {
        return new ScreenSize() {
            @Override
            public int width() {
                return width;
            }

            @Override
            public int height() {
                return height;
            }
        };
    }

    /** The terminal the agent runs in. */
    static ScreenSize ofTerminal() {
        ScreenSize env = fromEnvironment();
        try {
            Terminal t = TerminalBuilder.builder().system(true).nativeSignals(false).dumb(true).build();
            return new ScreenSize() {
                @Override
                public int width() {
                    Size s = t.getSize();
                    return s == null || s.getColumns() <= 0 ? env.width() : s.getColumns();
                }

                @Override
                public int height() {
                    Size s = t.getSize();
                    return s == null || s.getRows() <= 0 ? env.height() : s.getRows();
                }

                @Override
                public void close() {
                    try {
                        t.close();
                    } catch (IOException e) {
                        LoggerFactory.getLogger(ScreenSize.class).debug("closing the terminal: {}", e.toString());
                    }
                }
            };
        } catch (IOException | RuntimeException e) {
            Logger log = LoggerFactory.getLogger(ScreenSize.class);
            log.debug("No terminal size from JLine ({}); using {}x{}", e.toString(), env.width(), env.height());
            return env;
        }
    }

    /**
     * The terminal of this process, opened once and kept (it changes no terminal setting, so nothing needs restoring):
     * for the single-phone progress line, redrawn in place at the width the terminal has now.
     */
    static ScreenSize process() {
        return Holder.TERMINAL;
    }

    /** The process's terminal, opened on first use. */
    final class Holder {
        static final ScreenSize TERMINAL = ofTerminal();

        private Holder() {
        }
    }

    /** {@code $COLUMNS} × {@code $LINES}, else 80 × 24. */
    static ScreenSize fromEnvironment() {
        return fixed(number("COLUMNS", 80), number("LINES", 24));
    }

    private static int number(String name, int fallback) {
        try {
            int n = Integer.parseInt(System.getenv().getOrDefault(name, String.valueOf(fallback)).trim());
            return n > 0 ? n : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
