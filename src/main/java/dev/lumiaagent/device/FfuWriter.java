package dev.lumiaagent.device;

import dev.lumiaagent.protocol.flashapp.FlashOption;
import dev.lumiaagent.protocol.flashapp.NokAck;
import dev.lumiaagent.protocol.flashapp.NokResult;
import dev.lumiaagent.protocol.flashapp.NokSession;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumSet;

/**
 * The write phase of an FFU flash in the UEFI flash app (lumia-protocols.md §4.1): the combined
 * header in one {@code NOKXFS} message, the payload in chunks (v1) or write-buffer pieces (v2), then
 * {@code NOKR}. Got from {@link UefiPhone#ffuWriter}; it writes on that phone's channel and is
 * valid while the phone is open. A refusal is a value the flow decides on.
 */
public final class FfuWriter {
    private final NokSession session;
    private final Duration perMessage;

    /** Writes through the phone's own session: a second session on a stream link would lose the bytes the first buffered. */
    FfuWriter(NokSession session, Duration perMessage) {
        this.session = session;
        this.perMessage = perMessage;
    }

    /** The FFU's combined header, with no flash options (the phone checks the signature). */
    public NokResult<NokAck> header(ByteBuffer combinedHeader) {
        return session.flashHeader(combinedHeader, EnumSet.noneOf(FlashOption.class), 0, perMessage);
    }

    /** One payload message: a chunk (v1) or a write-buffer piece (v2); {@code progress} 0..100 is shown on the phone. */
    public NokResult<NokAck> payload(ByteBuffer data, boolean v2, int progress) {
        return session.flashPayload(data, v2, progress, perMessage);
    }

    /** {@code NOKR}: restart into the newly written OS. */
    public void reboot() {
        session.reboot();
    }
}
