package dev.lumiaagent.job;

/** One pre-flight gate's verdict as recorded with the job. */
public record JobGate(String gate, String verdict, String detail, boolean blocks) {
}
