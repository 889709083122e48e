package dev.lumiaagent.protocol.sahara;

import dev.lumiaagent.protocol.sahara.SaharaPacket.SaharaHello;
import dev.lumiaagent.protocol.wire.ProtocolException;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.time.Deadline;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.TransferTimeout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * Which protocol answers on a freshly opened 05C6:9008 channel (edl-protocol.md §7), decided from what
 * the device sends by itself within a bounded wait. Nothing is written and nothing purged: the one
 * HELLO must not be lost (§1.5).
 *
 * <ul>
 *   <li>a Sahara HELLO → {@link SaharaHelloSeen}: continue with {@code new SaharaSession(link, t, hello)};</li>
 *   <li>another Sahara packet (END_OF_IMAGE_TRANSFER with an error status left by an earlier attempt) →
 *       {@link SaharaMidSession}: the loader is mid-session; RESET it or power-cycle;</li>
 *   <li>{@code <?xml} → {@link FirehoseSeen}: a programmer already runs, skip Sahara (qdl, bkerler);</li>
 *   <li>0x7E → {@link HdlcSeen}: a Spec A streaming-DLOAD programmer (not Sahara);</li>
 *   <li>nothing → {@link Silent}: the §5 "HELLO already consumed" case (or an idle programmer). Recovery
 *       implemented: {@link SaharaSession#assumeHelloConsumed()}, after which the session's next step sends
 *       its HELLO_RESP unsolicited (qdl's recovery); a Sahara answer continues the session, XML means a
 *       Firehose programmer is running (ProtocolException says so), silence ends in
 *       {@link SaharaNotResponding} with the power-cycle instruction. bkerler's Firehose {@code <nop/>}
 *       probe is not sent: a PBL still waiting for HELLO_RESP would take it as a protocol error.</li>
 * </ul>
 */
public final class SaharaDetect {
    /** bkerler reads up to 48 bytes when probing (§7). */
    static final int PROBE = 48;
    /** On stream links, bytes of one message arrive back to back; a pause this long ends it. */
    static final Duration GAP = Duration.ofMillis(50);

    private SaharaDetect() {
    }

    /** What the device said first. */
    public sealed interface Detection permits SaharaHelloSeen, SaharaMidSession, FirehoseSeen, HdlcSeen, Silent, Unrecognised {
    }

    public record SaharaHelloSeen(SaharaHello hello) implements Detection {
    }

    public record SaharaMidSession(SaharaPacket first) implements Detection {
    }

    public record FirehoseSeen(String text) implements Detection {
    }

    public record HdlcSeen(byte[] bytes) implements Detection {
        public HdlcSeen {
            bytes = bytes.clone();
        }
    }

    public record Silent(Duration waited) implements Detection {
    }

    public record Unrecognised(byte[] bytes) implements Detection {
        public Unrecognised {
            bytes = bytes.clone();
        }
    }

    /**
     * Waits up to {@code wait} for the device's first bytes (bkerler waits 1 s, §7). On stream links a
     * Sahara packet is read exactly to its length field, so nothing after it is taken from the link.
     */
    public static Detection detect(Link link, Duration wait) {
        Objects.requireNonNull(link, "link");
        Deadline deadline = Deadline.after(AgentClock.system(), wait); // transfer time is real time
        byte[] buf = new byte[Math.max(4096, link.maxPacketSize())];
        int have;
        try {
            have = readSome(link, buf, 0, link.keepsBoundaries() ? buf.length : SaharaCodec.HEADER, deadline, wait);
        } catch (TransferTimeout e) {
            return new Silent(wait);
        }
        if (!link.keepsBoundaries()) {
            // Stream: complete the 8-byte header, then the packet if the header is Sahara's.
            try {
                while (have < SaharaCodec.HEADER && looksSahara(buf, have)) {
                    have += readSome(link, buf, have, SaharaCodec.HEADER - have, deadline, wait);
                }
                if (have >= SaharaCodec.HEADER && looksSahara(buf, have)) {
                    int len = safeLength(buf, have);
                    while (len > 0 && have < len) {
                        have += readSome(link, buf, have, len - have, deadline, wait);
                    }
                }
            } catch (TransferTimeout e) {
                return new Unrecognised(Arrays.copyOf(buf, have));
            }
            // Not Sahara: gather up to 48 bytes (bkerler's probe size) while they keep coming.
            while (!looksSahara(buf, have) && have < PROBE) {
                Deadline gapEnd = deadline.min(Deadline.after(AgentClock.system(), GAP));
                try {
                    have += readSome(link, buf, have, PROBE - have, gapEnd, GAP);
                } catch (TransferTimeout e) {
                    break;
                }
            }
        }
        byte[] got = Arrays.copyOf(buf, have);
        String text = new String(got, StandardCharsets.ISO_8859_1);
        if (text.contains("<?xml")) {
            return new FirehoseSeen(text);
        }
        if ((got[0] & 0xFF) == 0x7E) {
            return new HdlcSeen(got);
        }
        try {
            SaharaPacket p = SaharaCodec.decode(got);
            return p instanceof SaharaHello ? new SaharaHelloSeen((SaharaHello) p) : new SaharaMidSession(p);
        } catch (ProtocolException e) {
            return new Unrecognised(got);
        }
    }

    private static boolean looksSahara(byte[] b, int have) {
        // Sahara command ids are small u32s: byte 0 in 1..0x13, bytes 1..3 zero.
        if (have == 0) {
            return false;
        }
        if ((b[0] & 0xFF) < 1 || (b[0] & 0xFF) > 0x13) {
            return false;
        }
        for (int i = 1; i < Math.min(have, 4); i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static int safeLength(byte[] b, int have) {
        try {
            return SaharaCodec.packetLength(b, have);
        } catch (ProtocolException e) {
            return -1;
        }
    }

    private static int readSome(Link link, byte[] buf, int at, int max, Deadline deadline, Duration wait) {
        while (true) {
            Duration left = deadline.remainingRealOrThrow(() -> new TransferTimeout(TransferTimeout.Direction.IN, wait, at));
            int n = link.read(ByteBuffer.wrap(buf, at, max), left);
            if (n > 0) {
                return n;
            }
        }
    }
}
