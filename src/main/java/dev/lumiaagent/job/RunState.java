package dev.lumiaagent.job;

/** How one run of a job ended. {@link #INTERRUPTED}: the agent died mid-run and a later {@code resume} took the job over. */
public enum RunState {
    RUNNING,
    DONE,
    FAILED,
    INTERRUPTED
}
