package dev.lumiaagent.flow;

import dev.lumiaagent.device.Channels;
import dev.lumiaagent.device.NormalModeReader;
import dev.lumiaagent.device.PhoneIdentity;
import dev.lumiaagent.protocol.ncsd.NcsdSession;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.TransferTimeout;
import dev.lumiaagent.transport.UsbDevice;
import java.time.Duration;

/** Reading a phone's identity in normal mode right after it booted, shared by the flows. */
final class Identities {
    private Identities() {
    }

    /**
     * The OS may not answer JSON-RPC the moment it enumerates (lumia-protocols.md §5): three short
     * tries, 2 s apart on the flow's clock. Null when it never answered.
     */
    static PhoneIdentity afterBoot(FlowContext ctx, UsbDevice back) throws InterruptedException {
        for (int attempt = 1; attempt <= 3; attempt++) {
            try (Link link = Channels.open(ctx.bus(), back)) {
                return NormalModeReader.identity(new NcsdSession(link, Duration.ofSeconds(3), 1 << 20));
            } catch (TransferTimeout e) {
                ctx.clock().sleep(Duration.ofSeconds(2));
            }
        }
        return null;
    }
}
