package dev.lumiaagent.protocol.flashapp;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Bits of the options byte in a {@code NOKXFS} header message (lumia-protocols.md §4.2, after
 * WPinternals' {@code FlashOptions}). A stock flash sends none, or {@link #SKIP_SIGNATURE_CHECK} when
 * the bootloader is not secure (§4.1 step 2).
 */
public enum FlashOption {
    SKIP_WRITE(0x01),
    SKIP_HASH_CHECK(0x02),
    SKIP_ID_CHECK(0x04),
    SKIP_SIGNATURE_CHECK(0x08);

    /** Every bit any source names; other bits are not part of the protocol. */
    public static final int KNOWN_BITS = 0x0F;

    private final int bit;

    FlashOption(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    /** The options byte for {@code options}. */
    public static int toByte(Collection<FlashOption> options) {
        int b = 0;
        for (FlashOption o : options) {
            b |= o.bit;
        }
        return b;
    }

    /**
     * The options an options byte names, as an unmodifiable set in bit order.
     *
     * @throws IllegalArgumentException when a bit outside {@link #KNOWN_BITS} is set
     */
    public static Set<FlashOption> fromByte(int b) {
        if ((b & ~KNOWN_BITS) != 0) {
            throw new IllegalArgumentException(String.format("options byte 0x%02X has bits no source names", b));
        }
        EnumSet<FlashOption> set = EnumSet.noneOf(FlashOption.class);
        for (FlashOption o : values()) {
            if ((b & o.bit) != 0) {
                set.add(o);
            }
        }
        return Collections.unmodifiableSet(set);
    }

    /** An unmodifiable copy of {@code options} in bit order (any collection, including an empty one). */
    static Set<FlashOption> copyOf(Collection<FlashOption> options) {
        EnumSet<FlashOption> set = EnumSet.noneOf(FlashOption.class);
        for (FlashOption o : options) {
            set.add(java.util.Objects.requireNonNull(o, "option"));
        }
        return Collections.unmodifiableSet(set);
    }
}
