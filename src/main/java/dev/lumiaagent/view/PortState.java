package dev.lumiaagent.view;

/** Where a port's job is, in the words a bench shows (and the order "needs a person" rows sort by). */
public enum PortState {
    /** A person must act at the phone now (a key sequence): shown first. */
    ATTENTION("needs a person", true),
    /** The job ended and a person must follow its next step (charge the battery, replug, choose firmware). */
    FAILED("failed", true),
    /** The job stopped from outside; {@code resume} finishes it. */
    INTERRUPTED("interrupted", true),
    RUNNING("running", false),
    /** The job waits for the phone (a reboot, a reset, a mode switch): no bytes move, the bound is what counts. */
    WAITING("waiting for the phone", false),
    /** An attempt failed with a reason that is safe to retry; the job waits for the phone to try again. */
    RETRYING("retrying", false),
    QUEUED("queued", false),
    DONE("done", false),
    SKIPPED("skipped", false),
    /** Station mode: a phone on the port was not given the job (why is in the row). */
    LEFT_ALONE("left alone", false);

    private final String words;
    private final boolean needsPerson;

    PortState(String words, boolean needsPerson) {
        this.words = words;
        this.needsPerson = needsPerson;
    }

    public String words() {
        return words;
    }

    /** A person has something to do for this row. */
    public boolean needsPerson() {
        return needsPerson;
    }

    /** The job on the port has ended (or never started) and holds no worker. */
    public boolean ended() {
        return this == FAILED || this == INTERRUPTED || this == DONE || this == SKIPPED || this == LEFT_ALONE;
    }
}
