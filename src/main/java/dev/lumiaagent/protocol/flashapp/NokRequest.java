package dev.lumiaagent.protocol.flashapp;

import java.util.Arrays;
import java.util.Objects;

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
}
