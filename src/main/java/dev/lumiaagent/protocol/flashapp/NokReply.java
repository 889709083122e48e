package dev.lumiaagent.protocol.flashapp;

/**
 * A phone → host message of the UEFI {@code NOK*} protocol. Every reply starts with the request's
 * signature, or {@code NOKU} when the running app does not know the command (lumia-protocols.md §3.1).
 */
public sealed interface NokReply permits NokvReply, NokParamReply, NokStatusReply, NokUnknown, NokEcho, NokPhoneInfoReply,
        NokFlashReply {

    /** The signature the reply starts with. */
    String signature();
}
