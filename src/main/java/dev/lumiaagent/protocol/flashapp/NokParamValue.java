package dev.lumiaagent.protocol.flashapp;

import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.protocol.wire.ProtocolException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Typed values of {@code NOKXFR} parameters (lumia-protocols.md §3.4, §6). Each value reads exactly
 * the bytes the reference documents ({@code decode}, throwing {@link ProtocolException} on any other
 * length) and writes them back ({@link #toBytes()}).
 */
public sealed interface NokParamValue {

    byte[] toBytes();

    /** {@code CS}: the wire words as sent; level and current follow WPinternals' formulas (§6.1). */
    record ChargeState(int rawLevel, int rawCurrent) implements NokParamValue {
        /** Builds the wire words for a level in percent and a current in mA (positive = charging). */
        public static ChargeState of(int levelPercent, int currentMilliAmps) {
            return new ChargeState(levelPercent - 1, -currentMilliAmps);
        }

        /** BE32(bytes 0..3) + 1 — the "+1" is as WPinternals codes it; why is unknown (§6.1). */
        public long levelPercent() {
            return (long) rawLevel + 1;
        }

        /** −(int32) BE32(bytes 4..7) mA; positive means charging. */
        public long currentMilliAmps() {
            return -(long) rawCurrent;
        }

        public boolean charging() {
            return currentMilliAmps() > 0;
        }

        public static ChargeState decode(byte[] v) {
            exactly(v, 8, "CS");
            return new ChargeState((int) Bytes.be32(v, 0), (int) Bytes.be32(v, 4));
        }

        public byte[] toBytes() {
            byte[] b = new byte[8];
            Bytes.putBe32(b, 0, rawLevel);
            Bytes.putBe32(b, 4, rawCurrent);
            return b;
        }

        @Override
        public String toString() {
            long mA = currentMilliAmps();
            return "battery " + levelPercent() + " %, " + (mA > 0 ? "+" : "") + mA + " mA" + (charging() ? " (charging)" : "");
        }
    }

    /** {@code SS}: eight flag bytes as sent. */
    record SecurityStatus(int testDevice, int platformSecureBoot, int secureFfuEfuse, int debug, int rdcPresent,
                          int authenticated, int uefiSecureBoot, int cryptoHwKey) implements NokParamValue {
        public SecurityStatus {
            for (int f : new int[] {testDevice, platformSecureBoot, secureFfuEfuse, debug, rdcPresent, authenticated,
                    uefiSecureBoot, cryptoHwKey}) {
                if (f < 0 || f > 0xFF) {
                    throw new IllegalArgumentException("SS flags are bytes: " + f);
                }
            }
        }

        public static SecurityStatus decode(byte[] v) {
            exactly(v, 8, "SS");
            return new SecurityStatus(v[0] & 0xFF, v[1] & 0xFF, v[2] & 0xFF, v[3] & 0xFF, v[4] & 0xFF, v[5] & 0xFF,
                    v[6] & 0xFF, v[7] & 0xFF);
        }

        public byte[] toBytes() {
            return new byte[] {(byte) testDevice, (byte) platformSecureBoot, (byte) secureFfuEfuse, (byte) debug,
                    (byte) rdcPresent, (byte) authenticated, (byte) uefiSecureBoot, (byte) cryptoHwKey};
        }

        @Override
        public String toString() {
            return "SS test=" + testDevice + " platformSB=" + platformSecureBoot + " secureFFU=" + secureFfuEfuse
                    + " debug=" + debug + " RDC=" + rdcPresent + " auth=" + authenticated + " uefiSB=" + uefiSecureBoot
                    + " hwKey=" + cryptoHwKey;
        }
    }

    /** The fuse bits of {@code FCS} (wpi {@code Fuse.cs} via §3.4). */
    enum Fuse {
        SECURE_BOOT(0x1), FFU_VERIFY(0x2), JTAG(0x4), SHK(0x8), SIMLOCK(0x10), PRODUCTION_DONE(0x20), RKH(0x40),
        PUBLIC_ID(0x80), DAK(0x100), SEC_GEN(0x200), OEM_ID(0x400), FAST_BOOT(0x800), SPDM_SEC_MODE(0x1000),
        RPM_WDOG(0x2000), SSM(0x4000);

        private final int bit;

        Fuse(int bit) {
            this.bit = bit;
        }

        public int bit() {
            return bit;
        }
    }

    /** {@code FCS}: BE32 fuse flags. */
    record FuseFlags(long bits) implements NokParamValue {
        public FuseFlags {
            if (bits < 0 || bits > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("FCS is a BE32: " + bits);
            }
        }

        public Set<Fuse> fuses() {
            Set<Fuse> out = EnumSet.noneOf(Fuse.class);
            for (Fuse f : Fuse.values()) {
                if ((bits & f.bit()) != 0) {
                    out.add(f);
                }
            }
            return out;
        }

        public boolean blown(Fuse f) {
            return (bits & f.bit()) != 0;
        }

        public static FuseFlags decode(byte[] v) {
            exactly(v, 4, "FCS");
            return new FuseFlags(Bytes.be32(v, 0));
        }

        public byte[] toBytes() {
            byte[] b = new byte[4];
            Bytes.putBe32(b, 0, bits);
            return b;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "FCS 0x%X %s", bits, fuses());
        }
    }

    /** {@code FAI}: [0] app type (2), [1..2] protocol major/minor, [3..4] app major/minor. */
    record FlashAppInfo(int appType, int protocolMajor, int protocolMinor, int appMajor, int appMinor) implements NokParamValue {
        public FlashAppInfo {
            for (int f : new int[] {appType, protocolMajor, protocolMinor, appMajor, appMinor}) {
                if (f < 0 || f > 0xFF) {
                    throw new IllegalArgumentException("FAI fields are bytes: " + f);
                }
            }
        }

        public static FlashAppInfo decode(byte[] v) {
            exactly(v, 5, "FAI");
            return new FlashAppInfo(v[0] & 0xFF, v[1] & 0xFF, v[2] & 0xFF, v[3] & 0xFF, v[4] & 0xFF);
        }

        public byte[] toBytes() {
            return new byte[] {(byte) appType, (byte) protocolMajor, (byte) protocolMinor, (byte) appMajor, (byte) appMinor};
        }

        @Override
        public String toString() {
            return "FAI app " + appType + " protocol " + protocolMajor + "." + protocolMinor + " app " + appMajor + "." + appMinor;
        }
    }

    /** {@code PID}: a 4-byte prefix (meaning undocumented) and the 20-byte public ID. */
    record PublicId(byte[] prefix, byte[] id) implements NokParamValue {
        public PublicId {
            prefix = prefix.clone();
            id = id.clone();
            if (prefix.length != 4 || id.length != 20) {
                throw new IllegalArgumentException("PID is 4 + 20 bytes, got " + prefix.length + " + " + id.length);
            }
        }

        @Override
        public byte[] prefix() {
            return prefix.clone();
        }

        @Override
        public byte[] id() {
            return id.clone();
        }

        public static PublicId decode(byte[] v) {
            exactly(v, 24, "PID");
            return new PublicId(Arrays.copyOfRange(v, 0, 4), Arrays.copyOfRange(v, 4, 24));
        }

        public byte[] toBytes() {
            byte[] b = Arrays.copyOf(prefix, 24);
            System.arraycopy(id, 0, b, 4, 20);
            return b;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PublicId && Arrays.equals(((PublicId) o).toBytes(), toBytes());
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(toBytes());
        }

        @Override
        public String toString() {
            return "PID " + Bytes.hex(prefix) + " " + Bytes.hex(id);
        }
    }

    /** {@code CID}: the eMMC CID bytes as sent (8 in the real Lumia 520 trace); bytes 0..1 = manufacturer. */
    record EmmcCid(byte[] cid) implements NokParamValue {
        private static final Map<Integer, String> MANUFACTURERS = Map.of(0x0015, "Samsung", 0x0090, "Hynix",
                0x0045, "SanDisk", 0x0002, "SanDisk", 0x0011, "Toshiba", 0x0013, "Micron", 0x0070, "Kingston");

        public EmmcCid {
            cid = cid.clone();
            if (cid.length < 2 || cid.length > 16) {
                throw new IllegalArgumentException("CID value is 2..16 bytes, got " + cid.length);
            }
        }

        @Override
        public byte[] cid() {
            return cid.clone();
        }

        public int manufacturerId() {
            return Bytes.be16(cid, 0);
        }

        /** The manufacturer's name from the reference table (§3.4), if the ID is in it. */
        public Optional<String> manufacturer() {
            return Optional.ofNullable(MANUFACTURERS.get(manufacturerId()));
        }

        public static EmmcCid decode(byte[] v) {
            if (v.length < 2 || v.length > 16) {
                throw new ProtocolException("CID value is 2..16 bytes, got " + v.length);
            }
            return new EmmcCid(v);
        }

        public byte[] toBytes() {
            return cid.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof EmmcCid && Arrays.equals(((EmmcCid) o).cid, cid);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(cid);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "CID %s (manufacturer 0x%04X %s)", Bytes.hex(cid), manufacturerId(),
                    manufacturer().orElse("unknown"));
        }
    }

    /** {@code EMS} / {@code SDS}: a size in 512-byte sectors, BE32. */
    record Sectors(long sectors) implements NokParamValue {
        public Sectors {
            if (sectors < 0 || sectors > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("sector count is a BE32: " + sectors);
            }
        }

        public static Sectors decode(byte[] v) {
            exactly(v, 4, "sector count");
            return new Sectors(Bytes.be32(v, 0));
        }

        public byte[] toBytes() {
            byte[] b = new byte[4];
            Bytes.putBe32(b, 0, sectors);
            return b;
        }

        @Override
        public String toString() {
            return sectors + " sectors";
        }
    }

    /** {@code FS}: 4 bytes; byte 3 ≠ 0 means an FFU flash is incomplete (wpi; fg tests BE32 == 1). */
    record FlashingStatus(long raw) implements NokParamValue {
        public FlashingStatus {
            if (raw < 0 || raw > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("FS is 4 bytes: " + raw);
            }
        }

        public static FlashingStatus of(boolean incomplete) {
            return new FlashingStatus(incomplete ? 1 : 0);
        }

        public boolean flashingIncomplete() {
            return (raw & 0xFF) != 0;
        }

        public static FlashingStatus decode(byte[] v) {
            exactly(v, 4, "FS");
            return new FlashingStatus(Bytes.be32(v, 0));
        }

        public byte[] toBytes() {
            byte[] b = new byte[4];
            Bytes.putBe32(b, 0, raw);
            return b;
        }

        @Override
        public String toString() {
            return "FS " + (flashingIncomplete() ? "flash incomplete" : "clear") + String.format(Locale.ROOT, " (0x%08X)", raw);
        }
    }

    /** {@code ATRP} (UFP): [0] enabled (1), [1..4] major BE32, [5..8] minor BE32 (§6.2). */
    record ResetProtection(int enabled, long major, long minor) implements NokParamValue {
        public ResetProtection {
            if (enabled < 0 || enabled > 0xFF || major < 0 || major > 0xFFFFFFFFL || minor < 0 || minor > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("ATRP fields out of range");
            }
        }

        public boolean isEnabled() {
            return enabled == 1;
        }

        public static ResetProtection decode(byte[] v) {
            exactly(v, 9, "ATRP");
            return new ResetProtection(v[0] & 0xFF, Bytes.be32(v, 1), Bytes.be32(v, 5));
        }

        public byte[] toBytes() {
            byte[] b = new byte[9];
            b[0] = (byte) enabled;
            Bytes.putBe32(b, 1, major);
            Bytes.putBe32(b, 5, minor);
            return b;
        }

        @Override
        public String toString() {
            return "reset protection " + (isEnabled() ? "on" : "off") + " v" + major + "." + minor;
        }
    }

    private static void exactly(byte[] v, int n, String what) {
        if (v.length != n) {
            throw new ProtocolException(what + " value is " + n + " bytes, got " + v.length);
        }
    }
}
