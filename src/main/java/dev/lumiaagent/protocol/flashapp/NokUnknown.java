package dev.lumiaagent.protocol.flashapp;

/**
 * {@code NOKU}: the running app does not support the command it was sent (§3.1; thor2 exit code
 * 0x4E4F4B55). A value the caller decides on, not a fault.
 */
public record NokUnknown() implements NokReply {
    public String signature() {
        return "NOKU";
    }

    @Override
    public String toString() {
        return "NOKU (command not supported by the running app)";
    }
}
