package dev.lumiaagent.job;

/** One finished step of a run: its name, whether it succeeded, what it said, and when (ISO-8601 instant). */
public record JobStep(String name, boolean ok, String detail, String at) {
}
