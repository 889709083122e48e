package dev.lumiaagent.protocol.flashapp;

import dev.lumiaagent.protocol.wire.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * One sub-block of a {@link NokvReply}: {id u8, length BE16, payload} (lumia-protocols.md §3.3).
 * {@link NokCodec} decodes a payload to its typed record only when that record encodes back to the
 * same bytes; anything else (an unknown id, an unexpected length) stays a {@link Raw} block, so a
 * decoded reply always re-encodes byte for byte.
 */
public sealed interface NokvBlock {
    int TRANSFER_SIZE = 0x01;
    int WRITE_BUFFER_SIZE = 0x02;
    int EMMC_SECTORS = 0x03;
    /** FlashApp: SD-card sectors; BootMgr: the flash app's versions. */
    int APP_DEPENDENT = 0x04;
    int PLATFORM_ID = 0x05;
    int ASYNC_SUPPORT = 0x0D;
    int SECURITY = 0x0F;
    int SECURE_FFU_PROTOCOLS = 0x10;
    int MMOS_OVER_USB = 0x1F;

    int id();

    /** The payload bytes, without id and length. */
    byte[] payload();

    /** 0x01: the largest transfer the app accepts, in bytes. */
    record TransferSize(long bytes) implements NokvBlock {
        public TransferSize {
            requireU32(bytes, "transfer size");
        }

        public int id() {
            return TRANSFER_SIZE;
        }

        public byte[] payload() {
            return be32(bytes);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "transferSize=0x%X", bytes);
        }
    }

    /** 0x02: bytes per payload-v2 flash message. */
    record WriteBufferSize(long bytes) implements NokvBlock {
        public WriteBufferSize {
            requireU32(bytes, "write buffer size");
        }

        public int id() {
            return WRITE_BUFFER_SIZE;
        }

        public byte[] payload() {
            return be32(bytes);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "writeBuffer=0x%X", bytes);
        }
    }

    /** 0x03: eMMC size in 512-byte sectors. */
    record EmmcSectors(long sectors) implements NokvBlock {
        public EmmcSectors {
            requireU32(sectors, "eMMC sectors");
        }

        public int id() {
            return EMMC_SECTORS;
        }

        public byte[] payload() {
            return be32(sectors);
        }

        @Override
        public String toString() {
            return "eMMC=" + sectors + " sectors";
        }
    }

    /** 0x04 in a flash app's reply: SD-card size in sectors. */
    record SdCardSectors(long sectors) implements NokvBlock {
        public SdCardSectors {
            requireU32(sectors, "SD sectors");
        }

        public int id() {
            return APP_DEPENDENT;
        }

        public byte[] payload() {
            return be32(sectors);
        }

        @Override
        public String toString() {
            return "SD=" + sectors + " sectors";
        }
    }

    /** 0x04 in the boot manager's reply: the flash app's protocol and app versions. */
    record FlashAppVersion(int protocolMajor, int protocolMinor, int appMajor, int appMinor) implements NokvBlock {
        public FlashAppVersion {
            requireU8(protocolMajor, "protocol major");
            requireU8(protocolMinor, "protocol minor");
            requireU8(appMajor, "app major");
            requireU8(appMinor, "app minor");
        }

        public int id() {
            return APP_DEPENDENT;
        }

        public byte[] payload() {
            return new byte[] {(byte) protocolMajor, (byte) protocolMinor, (byte) appMajor, (byte) appMinor};
        }

        @Override
        public String toString() {
            return "flashApp=protocol " + protocolMajor + "." + protocolMinor + " app " + appMajor + "." + appMinor;
        }
    }

    /** 0x05: platform ID, ASCII, NUL-padded to {@code fieldLength} bytes (at least one NUL). */
    record PlatformId(String value, int fieldLength) implements NokvBlock {
        public PlatformId {
            NokFields.requireAsciiName("platform ID", value, 0xFFFE);
            if (fieldLength <= value.length() || fieldLength > 0xFFFF) {
                throw new IllegalArgumentException("platform ID field of " + fieldLength + " bytes cannot hold \"" + value + "\" and its NUL");
            }
        }

        /** The field as real phones send it: the ID and one NUL. */
        public static PlatformId of(String value) {
            return new PlatformId(value, value.length() + 1);
        }

        public int id() {
            return PLATFORM_ID;
        }

        public byte[] payload() {
            return Arrays.copyOf(value.getBytes(StandardCharsets.US_ASCII), fieldLength);
        }

        @Override
        public String toString() {
            return "platform=" + value;
        }
    }

    /** 0x0D: asynchronous flashing support; supported when payload[1] == 1. */
    record AsyncSupport(int first, int flag) implements NokvBlock {
        public AsyncSupport {
            requireU8(first, "async byte 0");
            requireU8(flag, "async byte 1");
        }

        public boolean supported() {
            return flag == 1;
        }

        public int id() {
            return ASYNC_SUPPORT;
        }

        public byte[] payload() {
            return new byte[] {(byte) first, (byte) flag};
        }

        @Override
        public String toString() {
            return "async=" + (supported() ? "yes" : "no");
        }
    }

    /**
     * 0x0F security flags, version 3 layout: each flag byte as sent (0/1; authenticated may be 2),
     * plus any bytes after the eighth kept as {@code trailing} (the real trace has one, 0xFF).
     */
    record Security(int version, int platformSecureBoot, int secureFfu, int jtagDisabled, int rdcPresent,
                    int authenticated, int uefiSecureBoot, int secondaryHwKey, byte[] trailing) implements NokvBlock {
        public Security {
            for (int v : new int[] {version, platformSecureBoot, secureFfu, jtagDisabled, rdcPresent, authenticated,
                    uefiSecureBoot, secondaryHwKey}) {
                requireU8(v, "security flag");
            }
            trailing = trailing.clone();
            if (trailing.length > 0xFFFF - 8) {
                throw new IllegalArgumentException("security block too long");
            }
        }

        @Override
        public byte[] trailing() {
            return trailing.clone();
        }

        /** WPinternals' rule (§3.3): secure = !(authenticated ∨ RDC ∨ ¬secure FFU). */
        public boolean bootloaderSecure() {
            return !(authenticated != 0 || rdcPresent != 0 || secureFfu == 0);
        }

        public int id() {
            return SECURITY;
        }

        public byte[] payload() {
            byte[] p = new byte[8 + trailing.length];
            int[] f = {version, platformSecureBoot, secureFfu, jtagDisabled, rdcPresent, authenticated, uefiSecureBoot, secondaryHwKey};
            for (int i = 0; i < 8; i++) {
                p[i] = (byte) f[i];
            }
            System.arraycopy(trailing, 0, p, 8, trailing.length);
            return p;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Security && Arrays.equals(((Security) o).payload(), payload());
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(payload());
        }

        @Override
        public String toString() {
            return "security=v" + version + " platformSB=" + platformSecureBoot + " secureFFU=" + secureFfu
                    + " jtagOff=" + jtagDisabled + " RDC=" + rdcPresent + " auth=" + authenticated + " uefiSB="
                    + uefiSecureBoot + " hwKey2=" + secondaryHwKey + (trailing.length > 0 ? " +" + Bytes.hex(trailing) : "")
                    + (bootloaderSecure() ? " (secure)" : " (not secure)");
        }
    }

    /** The secure-FFU flash protocols of sub-block 0x10's mask. */
    enum FfuProtocol {
        SYNC_V1(1), ASYNC_V1(2), SYNC_V2(4), ASYNC_V2(8), ASYNC_V3(16);

        private final int bit;

        FfuProtocol(int bit) {
            this.bit = bit;
        }

        public int bit() {
            return bit;
        }
    }

    /** 0x10: [0] version, [1..2] BE16 protocol mask, then {@code trailing} bytes as sent. */
    record SecureFfuProtocols(int version, int mask, byte[] trailing) implements NokvBlock {
        public SecureFfuProtocols {
            requireU8(version, "protocol-list version");
            if (mask < 0 || mask > 0xFFFF) {
                throw new IllegalArgumentException("protocol mask is a BE16: " + mask);
            }
            trailing = trailing.clone();
            if (trailing.length > 0xFFFF - 3) {
                throw new IllegalArgumentException("protocol block too long");
            }
        }

        public static SecureFfuProtocols of(Set<FfuProtocol> protocols) {
            int mask = 0;
            for (FfuProtocol p : protocols) {
                mask |= p.bit();
            }
            return new SecureFfuProtocols(1, mask, new byte[2]);
        }

        @Override
        public byte[] trailing() {
            return trailing.clone();
        }

        public Set<FfuProtocol> protocols() {
            Set<FfuProtocol> out = EnumSet.noneOf(FfuProtocol.class);
            for (FfuProtocol p : FfuProtocol.values()) {
                if ((mask & p.bit()) != 0) {
                    out.add(p);
                }
            }
            return out;
        }

        public boolean supports(FfuProtocol p) {
            return (mask & p.bit()) != 0;
        }

        public int id() {
            return SECURE_FFU_PROTOCOLS;
        }

        public byte[] payload() {
            byte[] p = new byte[3 + trailing.length];
            p[0] = (byte) version;
            Bytes.putBe16(p, 1, mask);
            System.arraycopy(trailing, 0, p, 3, trailing.length);
            return p;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SecureFfuProtocols && Arrays.equals(((SecureFfuProtocols) o).payload(), payload());
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(payload());
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "ffuProtocols=0x%04X%s", mask, protocols());
        }
    }

    /** 0x1F: MMOS (test OS) over USB supported when payload[0] == 1. */
    record MmosOverUsb(int flag) implements NokvBlock {
        public MmosOverUsb {
            requireU8(flag, "MMOS flag");
        }

        public boolean supported() {
            return flag == 1;
        }

        public int id() {
            return MMOS_OVER_USB;
        }

        public byte[] payload() {
            return new byte[] {(byte) flag};
        }

        @Override
        public String toString() {
            return "mmosOverUsb=" + (supported() ? "yes" : "no");
        }
    }

    /** A sub-block kept as sent: unknown ids, and known ids whose payload does not fit the typed layout. */
    record Raw(int id, byte[] payload) implements NokvBlock {
        public Raw {
            requireU8(id, "sub-block id");
            payload = payload.clone();
            if (payload.length > 0xFFFF) {
                throw new IllegalArgumentException("sub-block payload longer than a BE16 length: " + payload.length);
            }
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Raw && ((Raw) o).id == id && Arrays.equals(((Raw) o).payload, payload);
        }

        @Override
        public int hashCode() {
            return id * 31 + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "0x%02X=%s", id, NokFields.shortHex(payload));
        }
    }

    private static void requireU8(int v, String what) {
        if (v < 0 || v > 0xFF) {
            throw new IllegalArgumentException(what + " is a byte: " + v);
        }
    }

    private static void requireU32(long v, String what) {
        if (v < 0 || v > 0xFFFFFFFFL) {
            throw new IllegalArgumentException(what + " is a BE32: " + v);
        }
    }

    private static byte[] be32(long v) {
        byte[] b = new byte[4];
        Bytes.putBe32(b, 0, v);
        return b;
    }
}
