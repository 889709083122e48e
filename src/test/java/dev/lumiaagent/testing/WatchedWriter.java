package dev.lumiaagent.testing;

import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A {@link StringWriter} a test can wait on: every write wakes {@link #awaitText}, so a test reacts to
 * what the agent prints (as a person at the bench would) instead of sleeping.
 */
public final class WatchedWriter extends StringWriter {

    @Override
    public void write(int c) {
        synchronized (this) {
            super.write(c);
            notifyAll();
        }
    }

    @Override
    public void write(char[] cbuf, int off, int len) {
        synchronized (this) {
            super.write(cbuf, off, len);
            notifyAll();
        }
    }

    @Override
    public void write(String str) {
        synchronized (this) {
            super.write(str);
            notifyAll();
        }
    }

    @Override
    public void write(String str, int off, int len) {
        synchronized (this) {
            super.write(str, off, len);
            notifyAll();
        }
    }

    @Override
    public synchronized String toString() {
        return super.toString();
    }

    /**
     * Waits until the text written so far contains {@code text}; fails with everything written when
     * {@code timeout} (real time) passes first.
     */
    public synchronized void awaitText(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!super.toString().contains(text)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("nothing containing '" + text + "' written within " + timeout + "; written:\n" + super.toString());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }
}
