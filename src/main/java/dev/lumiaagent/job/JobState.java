package dev.lumiaagent.job;

/** Where a job stands. A job whose agent was killed stays {@link #RUNNING} in its file: that is how an interrupted job is found. */
public enum JobState {
    RUNNING,
    DONE,
    FAILED,
    /** Left unfinished and replaced by a newer job for the same phone: {@code resume} runs only the newest, never both. */
    SUPERSEDED
}
