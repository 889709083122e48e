package dev.lumiaagent.protocol.sahara;

import dev.lumiaagent.protocol.sahara.SaharaPacket.CommandReady;
import dev.lumiaagent.protocol.sahara.SaharaPacket.DoneResponse;
import dev.lumiaagent.protocol.sahara.SaharaPacket.EndOfImageTransfer;
import dev.lumiaagent.protocol.sahara.SaharaPacket.Execute;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ExecuteData;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ExecuteResponse;
import dev.lumiaagent.protocol.sahara.SaharaPacket.MemoryDebug;
import dev.lumiaagent.protocol.sahara.SaharaPacket.MemoryDebug64;
import dev.lumiaagent.protocol.sahara.SaharaPacket.MemoryRead;
import dev.lumiaagent.protocol.sahara.SaharaPacket.MemoryRead64;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ReadData;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ReadData64;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ResetResponse;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ResetStateMachine;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SaharaDone;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SaharaHello;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SaharaHelloResponse;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SaharaReset;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SwitchMode;
import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.protocol.wire.ProtocolException;
import java.util.ArrayList;
import java.util.List;

/**
 * Pure bytes ↔ {@link SaharaPacket} for both directions (the host decodes target packets, the
 * simulator decodes host packets). Framing per §2.1: u32 command, u32 total length, body; all
 * little-endian. Decoding is strict: the length field must equal the bytes given and the command's
 * fixed length; every failure is a {@link ProtocolException} naming the field.
 */
public final class SaharaCodec {
    public static final int HEADER = 8;

    private SaharaCodec() {
    }

    public static byte[] encode(SaharaPacket p) {
        SaharaCommand c = p.command();
        byte[] b = new byte[c.length()];
        Bytes.putLe32(b, 0, c.id());
        Bytes.putLe32(b, 4, c.length());
        if (p instanceof SaharaHello) {
            SaharaHello h = (SaharaHello) p;
            words(b, h.version(), h.versionCompatible(), h.maxCommandPacketLength(), h.mode().code());
            reserved(b, h.reserved());
        } else if (p instanceof SaharaHelloResponse) {
            SaharaHelloResponse h = (SaharaHelloResponse) p;
            words(b, h.version(), h.versionCompatible(), h.status().code(), h.mode().code());
            reserved(b, h.reserved());
        } else if (p instanceof ReadData) {
            ReadData r = (ReadData) p;
            words(b, r.imageId(), r.offset(), r.length());
        } else if (p instanceof ReadData64) {
            ReadData64 r = (ReadData64) p;
            Bytes.putLe64(b, 8, r.imageId());
            Bytes.putLe64(b, 16, r.offset());
            Bytes.putLe64(b, 24, r.length());
        } else if (p instanceof EndOfImageTransfer) {
            EndOfImageTransfer e = (EndOfImageTransfer) p;
            words(b, e.imageId(), e.status().code());
        } else if (p instanceof DoneResponse) {
            words(b, ((DoneResponse) p).imageTxStatus());
        } else if (p instanceof MemoryDebug) {
            MemoryDebug m = (MemoryDebug) p;
            words(b, m.tableAddress(), m.tableLength());
        } else if (p instanceof MemoryDebug64) {
            MemoryDebug64 m = (MemoryDebug64) p;
            Bytes.putLe64(b, 8, m.tableAddress());
            Bytes.putLe64(b, 16, m.tableLength());
        } else if (p instanceof MemoryRead) {
            MemoryRead m = (MemoryRead) p;
            words(b, m.address(), m.length());
        } else if (p instanceof MemoryRead64) {
            MemoryRead64 m = (MemoryRead64) p;
            Bytes.putLe64(b, 8, m.address());
            Bytes.putLe64(b, 16, m.length());
        } else if (p instanceof SwitchMode) {
            words(b, ((SwitchMode) p).mode().code());
        } else if (p instanceof Execute) {
            words(b, ((Execute) p).clientCommand());
        } else if (p instanceof ExecuteResponse) {
            ExecuteResponse e = (ExecuteResponse) p;
            words(b, e.clientCommand(), e.dataLength());
        } else if (p instanceof ExecuteData) {
            words(b, ((ExecuteData) p).clientCommand());
        }
        // DONE, RESET, RESET_RESP, CMD_READY, RESET_STATE_MACHINE: header only.
        return b;
    }

    /**
     * The whole length of the packet whose first bytes are in {@code b[0..available)}, or -1 if fewer
     * than 8 bytes are there yet. Used to reassemble packets on stream links.
     *
     * @throws ProtocolException when the header names no known command or a length that command cannot have
     */
    public static int packetLength(byte[] b, int available) {
        if (available < HEADER) {
            return -1;
        }
        long id = Bytes.le32(b, 0);
        long len = Bytes.le32(b, 4);
        SaharaCommand c = SaharaCommand.byId(id);
        if (c == null) {
            throw new ProtocolException(unknown(id, b));
        }
        if (!c.acceptsLength(len)) {
            throw new ProtocolException(c + ": length field 0x" + Long.toHexString(len) + ", expected 0x"
                    + Integer.toHexString(c.length()));
        }
        return (int) len;
    }

    public static SaharaPacket decode(byte[] b) {
        if (b.length < HEADER) {
            throw new ProtocolException("Sahara packet of " + b.length + " bytes is shorter than its 8-byte header");
        }
        int len = packetLength(b, b.length);
        SaharaCommand c = SaharaCommand.byId(Bytes.le32(b, 0));
        if (len != b.length) {
            // qdl rejects a transfer whose size differs from the length field (§2.1).
            throw new ProtocolException(c + ": length field says 0x" + Integer.toHexString(len) + " bytes, received 0x"
                    + Integer.toHexString(b.length));
        }
        switch (c) {
            case HELLO:
                return new SaharaHello(Bytes.le32(b, 8), Bytes.le32(b, 12), Bytes.le32(b, 16), mode(b, 20), reserved(b));
            case HELLO_RESP:
                return new SaharaHelloResponse(Bytes.le32(b, 8), Bytes.le32(b, 12), SaharaStatus.of(Bytes.le32(b, 16)),
                        mode(b, 20), reserved(b));
            case READ_DATA:
                return new ReadData(Bytes.le32(b, 8), Bytes.le32(b, 12), Bytes.le32(b, 16));
            case END_OF_IMAGE_TRANSFER:
                return new EndOfImageTransfer(Bytes.le32(b, 8), SaharaStatus.of(Bytes.le32(b, 12)));
            case DONE:
                return new SaharaDone();
            case DONE_RESP:
                return new DoneResponse(Bytes.le32(b, 8));
            case RESET:
                return new SaharaReset();
            case RESET_RESP:
                return new ResetResponse();
            case MEMORY_DEBUG:
                return new MemoryDebug(Bytes.le32(b, 8), Bytes.le32(b, 12));
            case MEMORY_READ:
                return new MemoryRead(Bytes.le32(b, 8), Bytes.le32(b, 12));
            case CMD_READY:
                // libopenpst's extra image_tx_status word (§2.2 [conflict]) carries nothing we use.
                return new CommandReady();
            case SWITCH_MODE:
                return new SwitchMode(mode(b, 8));
            case EXECUTE:
                return new Execute(Bytes.le32(b, 8));
            case EXECUTE_RESP:
                return new ExecuteResponse(Bytes.le32(b, 8), Bytes.le32(b, 12));
            case EXECUTE_DATA:
                return new ExecuteData(Bytes.le32(b, 8));
            case MEMORY_DEBUG_64:
                return new MemoryDebug64(Bytes.le64(b, 8), Bytes.le64(b, 16));
            case MEMORY_READ_64:
                return new MemoryRead64(Bytes.le64(b, 8), Bytes.le64(b, 16));
            case READ_DATA_64:
                return new ReadData64(Bytes.le64(b, 8), Bytes.le64(b, 16), Bytes.le64(b, 24));
            case RESET_STATE_MACHINE:
                return new ResetStateMachine();
            default:
                throw new ProtocolException("no decoder for " + c);
        }
    }

    private static String unknown(long id, byte[] b) {
        String what = id == 0x14 ? "WRITE_DATA (0x14) has no documented layout and is not supported"
                : "unknown Sahara command 0x" + Long.toHexString(id);
        return what + " (first bytes " + Bytes.hex(b, 0, Math.min(b.length, 8)) + ")";
    }

    private static SaharaMode mode(byte[] b, int off) {
        return SaharaMode.of(Bytes.le32(b, off));
    }

    private static List<Long> reserved(byte[] b) {
        List<Long> words = new ArrayList<>(6);
        for (int i = 0; i < 6; i++) {
            words.add(Bytes.le32(b, 24 + 4 * i));
        }
        return words;
    }

    private static void words(byte[] b, long... values) {
        for (int i = 0; i < values.length; i++) {
            Bytes.putLe32(b, 8 + 4 * i, values[i]);
        }
    }

    private static void reserved(byte[] b, List<Long> words) {
        for (int i = 0; i < 6; i++) {
            Bytes.putLe32(b, 24 + 4 * i, words.get(i));
        }
    }
}
