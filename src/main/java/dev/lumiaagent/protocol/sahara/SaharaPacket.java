package dev.lumiaagent.protocol.sahara;

import java.util.List;
import java.util.Objects;

/**
 * Every Sahara packet of edl-protocol.md §2.2 as an immutable record. u32 fields are {@code long}s in
 * 0..0xFFFFFFFF (checked by the compact constructors); u64 fields are raw {@code long}s (unsigned).
 * {@code toString()} reads like a trace line.
 */
public sealed interface SaharaPacket {

    SaharaCommand command();

    /** Target → host: the PBL's greeting, sent once after enumeration. */
    record SaharaHello(long version, long versionCompatible, long maxCommandPacketLength, SaharaMode mode,
                       List<Long> reserved) implements SaharaPacket {
        public SaharaHello {
            u32(version, "version");
            u32(versionCompatible, "version_compatible");
            u32(maxCommandPacketLength, "max_command_packet_len");
            Objects.requireNonNull(mode, "mode");
            reserved = reservedWords(reserved);
        }

        public SaharaHello(long version, long versionCompatible, long maxCommandPacketLength, SaharaMode mode) {
            this(version, versionCompatible, maxCommandPacketLength, mode, ZERO6);
        }

        @Override
        public SaharaCommand command() {
            return SaharaCommand.HELLO;
        }

        @Override
        public String toString() {
            return "SaharaHello v" + version + " (min " + versionCompatible + ") maxPacket 0x"
                    + Long.toHexString(maxCommandPacketLength) + " mode " + mode + reservedText(reserved);
        }
    }

    /** Host → target: the host's answer to HELLO, choosing the mode. */
    record SaharaHelloResponse(long version, long versionCompatible, SaharaStatus status, SaharaMode mode,
                               List<Long> reserved) implements SaharaPacket {
        public SaharaHelloResponse {
            u32(version, "version");
            u32(versionCompatible, "version_compatible");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(mode, "mode");
            reserved = reservedWords(reserved);
        }

        /** What qdl and WPinternals send: version 2, compatible 1, status success, zero reserved words. */
        public static SaharaHelloResponse of(SaharaMode mode) {
            return new SaharaHelloResponse(2, 1, SaharaStatus.SUCCESS, mode, ZERO6);
        }

        @Override
        public SaharaCommand command() {
            return SaharaCommand.HELLO_RESP;
        }

        @Override
        public String toString() {
            return "SaharaHelloResponse v" + version + " (min " + versionCompatible + ") status " + status + " mode "
                    + mode + reservedText(reserved);
        }
    }

    /** Target → host: send {@code length} bytes of image {@code imageId} from {@code offset}. */
    record ReadData(long imageId, long offset, long length) implements SaharaPacket {
        public ReadData {
            u32(imageId, "image_id");
            u32(offset, "offset");
            u32(length, "length");
        }

        @Override
        public SaharaCommand command() {
            return SaharaCommand.READ_DATA;
        }

        @Override
        public String toString() {
            return "ReadData image " + imageId + " offset 0x" + Long.toHexString(offset) + " length 0x" + Long.toHexString(length);
        }
    }

    /** Target → host: the 64-bit READ_DATA (Sahara 2.8+). */
    record ReadData64(long imageId, long offset, long length) implements SaharaPacket {
        @Override
        public SaharaCommand command() {
            return SaharaCommand.READ_DATA_64;
        }

        @Override
        public String toString() {
            return "ReadData64 image " + Long.toUnsignedString(imageId) + " offset 0x" + Long.toHexString(offset)
                    + " length 0x" + Long.toHexString(length);
        }
    }

    /** Target → host: the image finished loading (status 0) or failed with a §2.3 status. */
    record EndOfImageTransfer(long imageId, SaharaStatus status) implements SaharaPacket {
        public EndOfImageTransfer {
            u32(imageId, "image_id");
            Objects.requireNonNull(status, "status");
        }

        @Override
        public SaharaCommand command() {
            return SaharaCommand.END_OF_IMAGE_TRANSFER;
        }

        @Override
        public String toString() {
            return "EndOfImageTransfer image " + imageId + " status " + status;
        }
    }

    record SaharaDone() implements SaharaPacket {
        @Override
        public SaharaCommand command() {
            return SaharaCommand.DONE;
        }

        @Override
        public String toString() {
            return "SaharaDone";
        }
    }

    /** Target → host: 1 = image transfer complete (the PBL jumps), 0 = pending (more images expected). */
    record DoneResponse(long imageTxStatus) implements SaharaPacket {
        public static final long PENDING = 0;
        public static final long COMPLETE = 1;

        public DoneResponse {
            u32(imageTxStatus, "image_tx_status");
        }

        public boolean complete() {
            return imageTxStatus == COMPLETE;
        }

        @Override
        public SaharaCommand command() {
            return SaharaCommand.DONE_RESP;
        }

        @Override
        public String toString() {
            return "DoneResponse " + (imageTxStatus == COMPLETE ? "complete" : imageTxStatus == PENDING ? "pending"
                    : "status " + imageTxStatus);
        }
    }

    record SaharaReset() implements SaharaPacket {
        @Override
        public SaharaCommand command() {
            return SaharaCommand.RESET;
        }

        @Override
        public String toString() {
            return "SaharaReset";
        }
    }

    record ResetResponse() implements SaharaPacket {
        @Override
        public SaharaCommand command() {
            return SaharaCommand.RESET_RESP;
        }

        @Override
        public String toString() {
            return "ResetResponse";
        }
    }

    /** Target → host: memory-debug region table address and length (32-bit). */
    record MemoryDebug(long tableAddress, long tableLength) implements SaharaPacket {
        public MemoryDebug {
            u32(tableAddress, "memory_table_addr");
            u32(tableLength, "memory_table_length");
        }

        @Override
        public SaharaCommand command() {
            return SaharaCommand.MEMORY_DEBUG;
        }

        @Override
        public String toString() {
            return "MemoryDebug table 0x" + Long.toHexString(tableAddress) + " length 0x" + Long.toHexString(tableLength);
        }
    }

    record MemoryDebug64(long tableAddress, long tableLength) implements SaharaPacket {
        @Override
        public SaharaCommand command() {
            return SaharaCommand.MEMORY_DEBUG_64;
        }

        @Override
        public String toString() {
            return "MemoryDebug64 table 0x" + Long.toHexString(tableAddress) + " length 0x" + Long.toHexString(tableLength);
        }
    }

    /** Host → target: send {@code length} raw bytes of memory from {@code address}. */
    record MemoryRead(long address, long length) implements SaharaPacket {
        public MemoryRead {
            u32(address, "address");
            u32(length, "length");
        }

        @Override
        public SaharaCommand command() {
            return SaharaCommand.MEMORY_READ;
        }

        @Override
        public String toString() {
            return "MemoryRead 0x" + Long.toHexString(address) + " length 0x" + Long.toHexString(length);
        }
    }

    record MemoryRead64(long address, long length) implements SaharaPacket {
        @Override
        public SaharaCommand command() {
            return SaharaCommand.MEMORY_READ_64;
        }

        @Override
        public String toString() {
            return "MemoryRead64 0x" + Long.toHexString(address) + " length 0x" + Long.toHexString(length);
        }
    }

    /** Target → host: command mode is ready for EXECUTE. */
    record CommandReady() implements SaharaPacket {
        @Override
        public SaharaCommand command() {
            return SaharaCommand.CMD_READY;
        }

        @Override
        public String toString() {
            return "CommandReady";
        }
    }

    record SwitchMode(SaharaMode mode) implements SaharaPacket {
        public SwitchMode {
            Objects.requireNonNull(mode, "mode");
        }

        @Override
        public SaharaCommand command() {
            return SaharaCommand.SWITCH_MODE;
        }

        @Override
        public String toString() {
            return "SwitchMode " + mode;
        }
    }

    /** Host → target: run client command {@code clientCommand} (§2.5 table). */
    record Execute(long clientCommand) implements SaharaPacket {
        public Execute {
            u32(clientCommand, "client_command");
        }

        @Override
        public SaharaCommand command() {
            return SaharaCommand.EXECUTE;
        }

        @Override
        public String toString() {
            return "Execute " + clientName(clientCommand);
        }
    }

    record ExecuteResponse(long clientCommand, long dataLength) implements SaharaPacket {
        public ExecuteResponse {
            u32(clientCommand, "client_command");
            u32(dataLength, "data_length");
        }

        @Override
        public SaharaCommand command() {
            return SaharaCommand.EXECUTE_RESP;
        }

        @Override
        public String toString() {
            return "ExecuteResponse " + clientName(clientCommand) + " dataLength " + dataLength;
        }
    }

    /** Host → target: now send the {@code data_length} raw bytes of the result. */
    record ExecuteData(long clientCommand) implements SaharaPacket {
        public ExecuteData {
            u32(clientCommand, "client_command");
        }

        @Override
        public SaharaCommand command() {
            return SaharaCommand.EXECUTE_DATA;
        }

        @Override
        public String toString() {
            return "ExecuteData " + clientName(clientCommand);
        }
    }

    record ResetStateMachine() implements SaharaPacket {
        @Override
        public SaharaCommand command() {
            return SaharaCommand.RESET_STATE_MACHINE;
        }

        @Override
        public String toString() {
            return "ResetStateMachine";
        }
    }

    List<Long> ZERO6 = List.of(0L, 0L, 0L, 0L, 0L, 0L);

    private static void u32(long v, String field) {
        if (v < 0 || v > 0xFFFFFFFFL) {
            throw new IllegalArgumentException(field + " is a u32: " + v);
        }
    }

    private static List<Long> reservedWords(List<Long> words) {
        List<Long> copy = List.copyOf(Objects.requireNonNull(words, "reserved"));
        if (copy.size() != 6) {
            throw new IllegalArgumentException("six reserved words, not " + copy.size());
        }
        copy.forEach(w -> u32(w, "reserved"));
        return copy;
    }

    private static String reservedText(List<Long> words) {
        return words.equals(ZERO6) ? "" : " reserved " + words;
    }

    private static String clientName(long id) {
        SaharaClientCommand c = SaharaClientCommand.byId(id);
        return c != null ? c.name() : "client command 0x" + Long.toHexString(id);
    }
}
