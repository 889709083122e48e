package dev.lumiaagent.protocol.flashapp;

import dev.lumiaagent.protocol.wire.ProtocolException;

/** The letter after {@code NOKXCB}: where a v2 context switch goes (lumia-protocols.md §3.2, §3.7). */
public enum NokSwitchTarget {
    FLASH_APP('F'),
    PHONE_INFO('P'),
    BOOT_MANAGER('B'),
    /** MMOS (label/test OS), after it was loaded with NOKXFL. */
    MMOS('A'),
    WINDOWS('W'),
    MASS_STORAGE('M'),
    RESET('R'),
    EDL('E'),
    /** UFP flash apps only. */
    UFP_U('U'),
    /** UFP flash apps only. */
    UFP_T('T'),
    /** UFP flash apps only: power off. */
    UFP_OFF('Z');

    private final char letter;

    NokSwitchTarget(char letter) {
        this.letter = letter;
    }

    public char letter() {
        return letter;
    }

    public static NokSwitchTarget ofLetter(int letter) {
        for (NokSwitchTarget t : values()) {
            if (t.letter == letter) {
                return t;
            }
        }
        throw new ProtocolException("NOKXCB: unknown switch target byte 0x" + Integer.toHexString(letter & 0xFF));
    }
}
