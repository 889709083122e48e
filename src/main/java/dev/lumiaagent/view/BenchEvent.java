package dev.lumiaagent.view;

/**
 * Something that happened on the bench, in a sentence: a job started or ended, a retry, a person asked to act,
 * a phone left alone, a note about the run. Numbered in order ({@code seq}), so a client that reconnects asks
 * for what it missed.
 *
 * @param port null for a note about the whole run
 */
public record BenchEvent(long seq, String at, String port, Kind kind, String text) {

    public enum Kind {
        NOTE, QUEUED, STARTED, ACTION, RETRY, FINISHED, LEFT_ALONE, STEP_FAILED
    }
}
