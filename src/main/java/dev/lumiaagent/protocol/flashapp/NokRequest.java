package dev.lumiaagent.protocol.flashapp;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/**
 * A host → phone message of the UEFI {@code NOK*} protocol (lumia-protocols.md §3.2). Every request
 * starts with its ASCII signature; {@link NokCodec} turns requests into bytes and back.
 */
public sealed interface NokRequest {

    /** The ASCII signature the request starts with, e.g. {@code NOKV} or {@code NOKXFR}. */
    String signature();

    /** True for commands WPinternals never reads a reply to (§3.1): the phone just acts. */
    default boolean writeOnly() {
        return false;
    }

    /** {@code NOKV}: info query, answered by a {@link NokvReply}. */
    record NokInfoQuery() implements NokRequest {
        public String signature() {
            return "NOKV";
        }

        @Override
        public String toString() {
            return "NOKV (info query)";
        }
    }

    /** {@code NOKI}: hello; the reply starts with {@code NOKI}. */
    record NokHello() implements NokRequest {
        public String signature() {
            return "NOKI";
        }

        @Override
        public String toString() {
            return "NOKI (hello)";
        }
    }

    /** {@code NOKD}: disable the app's reboot timeout (watchdog); echoed. */
    record NokDisableTimeout() implements NokRequest {
        public String signature() {
            return "NOKD";
        }

        @Override
        public String toString() {
            return "NOKD (disable reboot timeout)";
        }
    }

    /** {@code NOKR}: reboot; write-only (BootMgr, FlashApp; PhoneInfoApp rejects it, §3.7). */
    record NokReboot() implements NokRequest {
        public String signature() {
            return "NOKR";
        }

        @Override
        public boolean writeOnly() {
            return true;
        }

        @Override
        public String toString() {
            return "NOKR (reboot)";
        }
    }

    /** {@code NOKS}: BootMgr reboots into the flash app; write-only. */
    record NokRebootToFlash() implements NokRequest {
        public String signature() {
            return "NOKS";
        }

        @Override
        public boolean writeOnly() {
            return true;
        }

        @Override
        public String toString() {
            return "NOKS (reboot to flash app)";
        }
    }

    /** {@code NOKP}: reboot into the phone-info app (legacy); write-only. */
    record NokRebootToPhoneInfo() implements NokRequest {
        public String signature() {
            return "NOKP";
        }

        @Override
        public boolean writeOnly() {
            return true;
        }

        @Override
        public String toString() {
            return "NOKP (reboot to phone-info app)";
        }
    }

    /** {@code NOKA}: continue booting; write-only (BootMgr, PhoneInfoApp). */
    record NokContinueBoot() implements NokRequest {
        public String signature() {
            return "NOKA";
        }

        @Override
        public boolean writeOnly() {
            return true;
        }

        @Override
        public String toString() {
            return "NOKA (continue boot)";
        }
    }

    /** {@code NOKM}: reboot to mass storage; in the flash app no reply means success (§3.2). */
    record NokMassStorage() implements NokRequest {
        public String signature() {
            return "NOKM";
        }

        @Override
        public String toString() {
            return "NOKM (reboot to mass storage)";
        }
    }

    /** {@code NOKZ}: shut down. */
    record NokShutdown() implements NokRequest {
        public String signature() {
            return "NOKZ";
        }

        @Override
        public String toString() {
            return "NOKZ (shutdown)";
        }
    }

    /** {@code NOKG}: "factory reset" of modem NV (scope disputed, §6.3); echoed. */
    record NokFactoryReset() implements NokRequest {
        public String signature() {
            return "NOKG";
        }

        @Override
        public String toString() {
            return "NOKG (factory reset: modem NV)";
        }
    }

    /** {@code NOKXCB} + letter: v2 context switch; answered by a status. */
    record NokContextSwitch(NokSwitchTarget target) implements NokRequest {
        public NokContextSwitch {
            Objects.requireNonNull(target, "target");
        }

        public String signature() {
            return "NOKXCB";
        }

        @Override
        public String toString() {
            return "NOKXCB" + target.letter() + " (switch to " + target + ")";
        }
    }

    /** {@code NOKXFR}: read a flash-app parameter by its name of 1..4 ASCII characters (§3.4). */
    record NokReadParam(String name) implements NokRequest {
        public NokReadParam {
            NokFields.requireAsciiName("parameter name", name, 4);
        }

        public String signature() {
            return "NOKXFR";
        }

        @Override
        public String toString() {
            return "NOKXFR " + name + " (read param)";
        }
    }

    /** {@code NOKXFW}: write a flash-app parameter (e.g. {@code UBF}); answered by a status. */
    record NokWriteParam(String name, byte[] data) implements NokRequest {
        public NokWriteParam {
            NokFields.requireAsciiName("parameter name", name, 4);
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        public String signature() {
            return "NOKXFW";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof NokWriteParam && ((NokWriteParam) o).name.equals(name)
                    && Arrays.equals(((NokWriteParam) o).data, data);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "NOKXFW " + name + " = " + NokFields.shortHex(data) + " (write param)";
        }
    }

    /**
     * {@code NOKXFP}: erase a partition named in UTF-16LE (≤ 35 characters, §3.2). "Data" is always
     * allowed; other partitions need an authenticated session.
     */
    record NokErasePartition(String partition) implements NokRequest {
        public static final int MAX_NAME = 0x23;

        public NokErasePartition {
            Objects.requireNonNull(partition, "partition");
            if (partition.isEmpty() || partition.length() > MAX_NAME || partition.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("partition name must be 1.." + MAX_NAME + " characters without NUL: " + partition);
            }
            for (int i = 0; i < partition.length(); i++) {
                if (Character.isSurrogate(partition.charAt(i))) {
                    throw new IllegalArgumentException("partition name must be UTF-16 without surrogates: " + partition);
                }
            }
        }

        public String signature() {
            return "NOKXFP";
        }

        @Override
        public String toString() {
            return "NOKXFP \"" + partition + "\" (erase partition)";
        }
    }

    /** {@code NOKXPH}: phone-info app v2 query by name ({@code TYPE}, {@code CTR}, {@code IMEI}). */
    record NokPhoneInfoQuery(String name) implements NokRequest {
        public static final int MAX_NAME = 9;

        public NokPhoneInfoQuery {
            NokFields.requireAsciiName("phone-info name", name, MAX_NAME);
        }

        public String signature() {
            return "NOKXPH";
        }

        @Override
        public String toString() {
            return "NOKXPH " + name + " (phone info)";
        }
    }

    /**
     * A {@code NOKXFS} secure-FFU flash message (lumia-protocols.md §4): the one header message or one
     * payload message. The data is held as a read-only {@link ByteBuffer} view, never copied: a
     * payload message carries up to WriteBufferSize (≈ 2.25 MiB) of FFU data, and the host encodes it
     * straight into a reused send buffer ({@link NokCodec#encodeFlash}) while the simulator decodes it
     * into a view of the received message ({@link NokCodec#decodeFlash}).
     *
     * <p>Equality compares the data's bytes (as {@link ByteBuffer#equals} does).
     */
    sealed interface NokFlashRequest extends NokRequest permits NokFlashHeader, NokFlashPayload {
        /** The wire layout (§4.2). */
        NokFlashLayout layout();

        /** Byte [8]: progress 0–100 (the phone shows it). */
        int progress();

        /**
         * A read-only view of the data: position 0, limit = {@link #dataLength()}, sharing memory with
         * the buffer the record was made from. Each call returns a fresh view, so callers may move its
         * position freely.
         */
        ByteBuffer data();

        int dataLength();

        @Override
        default String signature() {
            return "NOKXFS";
        }

        /** Length of the whole message: the layout's data offset plus the data. */
        default int messageLength() {
            return layout().dataOffset() + dataLength();
        }
    }

    /**
     * {@code NOKXFS} header v1 (§4.2): the FFU's combined header (security header + catalog + hash
     * table, image header + manifest, store header + descriptors, each padded to the chunk size) in
     * one message, with the options byte. The buffer's remaining bytes at construction are the header;
     * its position and limit are not changed.
     */
    record NokFlashHeader(int progress, Set<FlashOption> options, ByteBuffer header) implements NokFlashRequest {
        public NokFlashHeader {
            NokFields.requireProgress(progress);
            options = FlashOption.copyOf(Objects.requireNonNull(options, "options"));
            header = NokFields.dataView(header, NokFlashLayout.HEADER_V1);
        }

        @Override
        public ByteBuffer header() {
            return header.duplicate();
        }

        @Override
        public ByteBuffer data() {
            return header.duplicate();
        }

        @Override
        public int dataLength() {
            return header.capacity();
        }

        @Override
        public NokFlashLayout layout() {
            return NokFlashLayout.HEADER_V1;
        }

        /** Byte [0x1C]. */
        public int optionsByte() {
            return FlashOption.toByte(options);
        }

        @Override
        public String toString() {
            return String.format("NOKXFS header v1 (progress %d%%, options %s 0x%02X, %d-byte combined header)",
                    progress, options, optionsByte(), dataLength());
        }
    }

    /**
     * {@code NOKXFS} payload v1 (one FFU chunk per message) or v2 (WriteBufferSize bytes per message,
     * the last one shorter), §4.1 step 3 and §4.2. {@code dataOptions} is byte [0x18]: WPinternals
     * always sends 0 and comments "1 = verify". The buffer's remaining bytes at construction are the
     * data; its position and limit are not changed.
     */
    record NokFlashPayload(NokFlashLayout layout, int progress, int dataOptions, ByteBuffer data) implements NokFlashRequest {
        public NokFlashPayload {
            Objects.requireNonNull(layout, "layout");
            if (layout != NokFlashLayout.PAYLOAD_V1 && layout != NokFlashLayout.PAYLOAD_V2) {
                throw new IllegalArgumentException("a payload message is payload v1 or payload v2, not " + layout.label());
            }
            NokFields.requireProgress(progress);
            if (dataOptions < 0 || dataOptions > 0xFF) {
                throw new IllegalArgumentException("data options is one byte: " + dataOptions);
            }
            data = NokFields.dataView(data, layout);
        }

        /** Payload v1 with data options 0, as WPinternals sends it. */
        public static NokFlashPayload v1(int progress, ByteBuffer chunk) {
            return new NokFlashPayload(NokFlashLayout.PAYLOAD_V1, progress, 0, chunk);
        }

        /** Payload v2 with data options 0, as WPinternals sends it. */
        public static NokFlashPayload v2(int progress, ByteBuffer data) {
            return new NokFlashPayload(NokFlashLayout.PAYLOAD_V2, progress, 0, data);
        }

        @Override
        public ByteBuffer data() {
            return data.duplicate();
        }

        @Override
        public int dataLength() {
            return data.capacity();
        }

        @Override
        public String toString() {
            return String.format("NOKXFS %s (progress %d%%, %d data bytes, data options 0x%02X)",
                    layout.label(), progress, dataLength(), dataOptions);
        }
    }
}
