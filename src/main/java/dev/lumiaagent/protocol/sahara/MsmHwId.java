package dev.lumiaagent.protocol.sahara;

import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.protocol.wire.ProtocolException;

/**
 * The MSM HW ID of client command 0x02. Real PBLs answer with {@code data_length 0x18}: the 8-byte HWID
 * three times (edl-protocol.md §2.5, corrected from captures: Nokia XL RM-1061 / MSM8926, bkerler/edl#635,
 * traces/sahara/004; SDM845, bkerler/edl#398, traces/sahara/003). Any whole number of copies is taken, and
 * the first is the HWID, as bkerler's client reads it. Each copy is a u64 LE, split as qdl does:
 * msm_id = bits 63..32, oem_id = bits 31..16, model_id = bits 15..0. Example from bkerler/edl#387:
 * {@code 0x009600e100420029} → MSM 0x009600E1, OEM 0x0042, model 0x0029.
 */
public record MsmHwId(long raw) {
    public static MsmHwId parse(byte[] payload) {
        if (payload.length == 0 || payload.length % 8 != 0) {
            throw new ProtocolException("MSM HW ID reply of " + payload.length
                    + " bytes, expected copies of the 8-byte HWID (real PBLs send three: 24 bytes)");
        }
        return new MsmHwId(Bytes.le64(payload, 0));
    }

    public long msmId() {
        return raw >>> 32;
    }

    public int oemId() {
        return (int) ((raw >>> 16) & 0xFFFF);
    }

    public int modelId() {
        return (int) (raw & 0xFFFF);
    }

    @Override
    public String toString() {
        return String.format("MsmHwId 0x%016X (MSM 0x%08X, OEM 0x%04X, model 0x%04X)", raw, msmId(), oemId(), modelId());
    }
}
