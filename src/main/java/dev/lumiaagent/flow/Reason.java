package dev.lumiaagent.flow;

/** Why a flow ended the way it did. Names are stable: reports and scripts key on them. */
public enum Reason {
    DONE,
    NO_PHONE,
    SEVERAL_PHONES,
    PHONE_DID_NOT_LEAVE,
    PHONE_DID_NOT_RETURN,
    RETURNED_IN_WRONG_MODE,
    DIFFERENT_PHONE,
    PHONE_LEFT,
    PHONE_NOT_ANSWERING,
    DEVICE_REJECTED,
    UNSUPPORTED_COMMAND,
    BATTERY_DEAD,
    BATTERY_LOW,
    FFU_INVALID,
    /**
     * A rawprogram / patch set this agent will not act on: a {@code filename} outside the images directory
     * (absolute, {@code ..}, or a link leading out). Said before anything is written.
     */
    RAWPROGRAM_INVALID,
    FIRMWARE_MISMATCH,
    NO_CONSENT,
    PROGRAMMER_MISMATCH,
    PROGRAMMER_INVALID,
    NOT_SUPPORTED_IN_MODE,
    PROTOCOL_DESYNC,
    ACCESS_DENIED,
    INTERRUPTED,
    INTERNAL_ERROR,
    /** A factory reset did not bring the phone back in normal mode within its bound (the Lumia reset-loop bug). */
    RESET_NEVER_FINISHED,
    /** A step was still running past its bound (the step and the bound are named in the summary). */
    STEP_TIMEOUT,
    /** Another job holds the phone's lease (another agent on this machine, or another station on the store): nothing was done. */
    PHONE_BUSY,
    /**
     * An emergency write's read-back (VerifyImage) differs from what was written: the storage does not hold the
     * image. Said with both SHA-256s; the next step is to run it again, then to have the storage repaired.
     */
    READBACK_MISMATCH
}
