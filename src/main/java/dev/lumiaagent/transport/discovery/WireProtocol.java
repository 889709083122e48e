package dev.lumiaagent.transport.discovery;

/** Which wire protocol the personality's bulk channel speaks. */
public enum WireProtocol {
    /** Nokia JSON-RPC over bulk (lumia-protocols.md §2). */
    NCSD_JSON,
    /** UEFI {@code NOK…} commands (lumia-protocols.md §3). */
    NOK,
    /** Qualcomm Sahara, then Firehose, or DMSS DLOAD (edl-protocol.md §2–§4). */
    QUALCOMM_EDL,
    /** A USB disk; the agent does not talk to it over bulk. */
    MASS_STORAGE,
    /** One-byte opcodes; not a Lumia recovery path. */
    SIMPLE_IO,
    /** Nothing the agent can talk to (charging, unknown). */
    NONE
}
