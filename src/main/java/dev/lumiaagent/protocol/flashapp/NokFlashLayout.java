package dev.lumiaagent.protocol.flashapp;

import java.util.Locale;
import java.util.Optional;

/**
 * The {@code NOKXFS} message layouts of lumia-protocols.md §4.2, told apart by the sub-block type at
 * [0x0C..0x0F] and the protocol at [6..7]. Every layout shares: [0..5] {@code NOKXFS}, [6..7] protocol,
 * [8] progress, [9..10] zero, [0x0B] sub-block count 1, [0x0C..0x0F] sub-block type, [0x10..0x13]
 * sub-block length = data length + {@link #subblockOverhead()} (the sub-block starts at 0x14).
 *
 * <p>The agent speaks the synchronous layouts stock flashing uses (§4.1): header v1, payload v1,
 * payload v2. Header v2 and payload v3 are recognised so that a decoder can name them, and refused
 * with {@link NokFlashUnsupported}: header v2's protocol value is disputed (wpi 0x0004, ufp 0x0002,
 * §4.2 [conflict]) and payload v3 copies its data past the end of the buffer its only sources
 * allocate (§4.2 [derived]), so neither has a layout to be exact about.
 */
public enum NokFlashLayout {
    HEADER_V1(0x0001, -1, 0x0B, 0x0C, 0x20, true),
    PAYLOAD_V1(0x0001, -1, 0x0C, 0x08, 0x1C, true),
    PAYLOAD_V2(0x0004, -1, 0x1B, 0x0C, 0x20, true),
    HEADER_V2(0x0004, 0x0002, 0x21, 0x28, 0x3C, false),
    PAYLOAD_V3(0x0010, -1, 0x1D, 0x2C, 0x40, false);

    /** Offset of the sub-block type; the fields before it are common to every layout. */
    public static final int SUBBLOCK_TYPE_OFFSET = 0x0C;
    public static final int SUBBLOCK_LENGTH_OFFSET = 0x10;
    /** First byte inside the sub-block. */
    public static final int SUBBLOCK_OFFSET = 0x14;

    private final int protocol;
    private final int altProtocol;
    private final int subblockType;
    private final int subblockOverhead;
    private final int dataOffset;
    private final boolean supported;

    NokFlashLayout(int protocol, int altProtocol, int subblockType, int subblockOverhead, int dataOffset, boolean supported) {
        this.protocol = protocol;
        this.altProtocol = altProtocol;
        this.subblockType = subblockType;
        this.subblockOverhead = subblockOverhead;
        this.dataOffset = dataOffset;
        this.supported = supported;
    }

    /** The BE16 at [6..7] the agent writes (for header v2: WPinternals' value). */
    public int protocol() {
        return protocol;
    }

    /** True when {@code value} at [6..7] belongs to this layout (header v2 accepts both sources' values). */
    public boolean acceptsProtocol(int value) {
        return value == protocol || value == altProtocol;
    }

    public int subblockType() {
        return subblockType;
    }

    /** Sub-block length minus data length (len+0x0C, len+0x08, …). */
    public int subblockOverhead() {
        return subblockOverhead;
    }

    /** Where the data starts; the message is exactly this plus the data length. */
    public int dataOffset() {
        return dataOffset;
    }

    /** False for the layouts the agent only recognises (header v2, payload v3). */
    public boolean supported() {
        return supported;
    }

    public boolean isHeader() {
        return this == HEADER_V1 || this == HEADER_V2;
    }

    public static Optional<NokFlashLayout> bySubblockType(long type) {
        for (NokFlashLayout l : values()) {
            if (l.subblockType == type) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /** Trace form, e.g. {@code payload v2}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
