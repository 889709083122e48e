package dev.lumiaagent.protocol.flashapp;

import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.protocol.wire.ProtocolException;
import java.util.Arrays;
import java.util.Objects;

/**
 * The {@code NOKXFR} read-param reply (lumia-protocols.md §3.4): {@code NOKXFR}, BE16 status [6..7],
 * 0 at [8], the name echoed at [9..12], BE32 value length at [13..16], the value from [17]. The
 * typed readers check the name and the documented length; a wrong length is a desync.
 */
public record NokParamReply(int status, String name, byte[] value) implements NokReply {
    public static final int HEADER = 17;

    public NokParamReply {
        if (status < 0 || status > 0xFFFF) {
            throw new IllegalArgumentException("status is a BE16: " + status);
        }
        NokFields.requireAsciiName("parameter name", name, 4);
        value = value.clone();
    }

    public static NokParamReply of(NokParam param, NokParamValue value) {
        return new NokParamReply(0, param.wireName(), value.toBytes());
    }

    /** A string parameter as the simulator sends it: ASCII with one trailing NUL. */
    public static NokParamReply ofText(NokParam param, String text) {
        return new NokParamReply(0, param.wireName(), Arrays.copyOf(NokFields.ascii(text), text.length() + 1));
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    public String signature() {
        return "NOKXFR";
    }

    public NokStatus statusEntry() {
        return NokStatus.of(status);
    }

    private byte[] valueOf(NokParam expected) {
        if (!expected.wireName().equals(name)) {
            throw new IllegalStateException("this is the " + name + " reply, not " + expected.wireName());
        }
        return value;
    }

    private String text(NokParam p) {
        byte[] v = valueOf(p);
        return Bytes.ascii(v, 0, v.length);
    }

    public String firmwareVersion() {
        return text(NokParam.FVER);
    }

    /** {@code DPI}: the platform ID string, e.g. "Nokia.MSM8926.P6164.1.1". */
    public String platformId() {
        return text(NokParam.DPI);
    }

    public byte[] rootKeyHash() {
        byte[] v = valueOf(NokParam.RRKH);
        if (v.length != 32) {
            throw new ProtocolException("RRKH value is 32 bytes, got " + v.length);
        }
        return v.clone();
    }

    public NokParamValue.SecurityStatus securityStatus() {
        return NokParamValue.SecurityStatus.decode(valueOf(NokParam.SS));
    }

    public NokParamValue.FuseFlags fuseFlags() {
        return NokParamValue.FuseFlags.decode(valueOf(NokParam.FCS));
    }

    public NokParamValue.ChargeState chargeState() {
        return NokParamValue.ChargeState.decode(valueOf(NokParam.CS));
    }

    public NokParamValue.FlashAppInfo flashAppInfo() {
        return NokParamValue.FlashAppInfo.decode(valueOf(NokParam.FAI));
    }

    public NokParamValue.PublicId publicId() {
        return NokParamValue.PublicId.decode(valueOf(NokParam.PID));
    }

    public NokParamValue.EmmcCid emmcCid() {
        return NokParamValue.EmmcCid.decode(valueOf(NokParam.CID));
    }

    public long emmcSectors() {
        return NokParamValue.Sectors.decode(valueOf(NokParam.EMS)).sectors();
    }

    public long sdSectors() {
        return NokParamValue.Sectors.decode(valueOf(NokParam.SDS)).sectors();
    }

    public NokParamValue.FlashingStatus flashingStatus() {
        return NokParamValue.FlashingStatus.decode(valueOf(NokParam.FS));
    }

    public NokParamValue.ResetProtection resetProtection() {
        return NokParamValue.ResetProtection.decode(valueOf(NokParam.ATRP));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NokParamReply && ((NokParamReply) o).status == status && ((NokParamReply) o).name.equals(name)
                && Arrays.equals(((NokParamReply) o).value, value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, name) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        String shown;
        try {
            shown = describeValue();
        } catch (RuntimeException e) {
            shown = NokFields.shortHex(value);
        }
        return "NOKXFR " + name + (status != 0 ? " status " + statusEntry() : "") + " = " + shown;
    }

    private String describeValue() {
        NokParam p = NokParam.byWireName(name).orElse(null);
        if (p == null) {
            return NokFields.shortHex(value);
        }
        switch (p) {
            case FVER:
            case DPI:
                return "\"" + text(p) + "\"";
            case SS:
                return securityStatus().toString();
            case FCS:
                return fuseFlags().toString();
            case CS:
                return chargeState().toString();
            case FAI:
                return flashAppInfo().toString();
            case PID:
                return publicId().toString();
            case CID:
                return emmcCid().toString();
            case EMS:
            case SDS:
                return NokParamValue.Sectors.decode(value).toString();
            case FS:
                return flashingStatus().toString();
            case ATRP:
                return resetProtection().toString();
            default:
                return NokFields.shortHex(value);
        }
    }
}
