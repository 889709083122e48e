package dev.lumiaagent.device;

import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import dev.lumiaagent.transport.discovery.Personality;

/**
 * A phone opened in the mode it is in now (DESIGN §1, §9): the typed face a flow talks to, so that
 * flows never open links or build protocol sessions. Open one with {@link Phones}; each kind holds
 * its channel (if its mode has one) until closed.
 *
 * <ul>
 *   <li>{@link NormalPhone}: normal or label mode, Nokia JSON-RPC (NCSd)</li>
 *   <li>{@link UefiPhone}: boot manager, flash app or phone-info app ({@code NOK…})</li>
 *   <li>{@link EdlPhone}: Qualcomm 9008, Sahara then a Firehose programmer</li>
 *   <li>{@link PassivePhone}: modes with nothing to talk to (mass storage, emergency charging, …)</li>
 * </ul>
 */
public sealed interface Phone extends AutoCloseable permits NormalPhone, UefiPhone, EdlPhone, PassivePhone {

    /** The device as enumerated when the phone was opened. */
    UsbDevice device();

    default PortPath port() {
        return device().port();
    }

    default Personality personality() {
        return device().personality();
    }

    default Mode mode() {
        return personality().mode();
    }

    /**
     * What the bus and this mode can tell, merged ({@link InfoReader#fromBus} first, the mode's own
     * fields over it). A field the mode cannot give is absent; a mode with no channel says so in a note.
     */
    DeviceInfo readInfo();

    /** What makes this phone this phone, as far as its mode tells (possibly nothing: {@link PhoneIdentity#isKnown()}). */
    PhoneIdentity identity();

    /** Closes the phone's channel; the phone itself is left as it is. */
    @Override
    void close();
}
