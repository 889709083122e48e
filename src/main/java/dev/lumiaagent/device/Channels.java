package dev.lumiaagent.device;

import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.LinkOptions;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.ZlpPolicy;
import dev.lumiaagent.transport.discovery.WireProtocol;

/** Opens a phone's protocol channel with the transfer rules its protocol needs. */
final class Channels {
    private Channels() {
    }

    static Link open(Bus bus, UsbDevice device) {
        WireProtocol p = device.personality().protocol();
        // Sahara must not get OUT ZLPs (qdl issue #320); Nokia's stack and Firehose terminate OUT transfers.
        ZlpPolicy zlp = p == WireProtocol.QUALCOMM_EDL ? ZlpPolicy.NEVER : ZlpPolicy.TERMINATE_OUT;
        return bus.open(device, LinkOptions.defaults().withZlp(zlp));
    }
}
