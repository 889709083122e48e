package dev.lumiaagent.protocol.sahara;

import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.protocol.wire.ProtocolException;

/**
 * Client command 0x0A (chip id v3, Sahara v3 loaders): at least 44 bytes; msm_id u32 at 36, oem_id
 * u16 at 40, model_id u16 at 42; when oem_id at 40 is 0 the OEM id is the u16 at 44
 * (edl-protocol.md §2.5). The first 36 bytes are not documented and are not interpreted.
 */
public record ChipIdV3(long msmId, int oemId, int modelId) {
    public static final int MIN_LENGTH = 44;

    public static ChipIdV3 parse(byte[] payload) {
        if (payload.length < MIN_LENGTH) {
            throw new ProtocolException("chip id v3 reply of " + payload.length + " bytes, expected at least " + MIN_LENGTH);
        }
        long msm = Bytes.le32(payload, 36);
        int oem = le16(payload, 40);
        int model = le16(payload, 42);
        if (oem == 0 && payload.length >= 46) {
            oem = le16(payload, 44);
        }
        return new ChipIdV3(msm, oem, model);
    }

    private static int le16(byte[] b, int off) {
        Bytes.need(b, off, 2, "LE16");
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    @Override
    public String toString() {
        return String.format("ChipIdV3 MSM 0x%08X OEM 0x%04X model 0x%04X", msmId, oemId, modelId);
    }
}
