package dev.lumiaagent.sim;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * One open channel to a simulated phone: host messages go to the phone's firmware on the phone's
 * own thread; the firmware's replies land in the host's {@link InboundQueue}.
 */
final class SimChannel {
    private final SimPhone phone;
    private final SimFirmware firmware;
    private final InboundQueue inbound;
    private final boolean keepsBoundaries;
    private final String description;
    private final ExecutorService cpu;

    SimChannel(SimPhone phone, SimFirmware firmware, boolean keepsBoundaries, int streamChunk, String description) {
        this.phone = phone;
        this.firmware = firmware;
        this.keepsBoundaries = keepsBoundaries;
        this.description = description;
        this.inbound = new InboundQueue(keepsBoundaries, streamChunk);
        this.cpu = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sim-phone " + description);
            t.setDaemon(true);
            return t;
        });
        // Runs on the phone's thread before any host message: a device that speaks first has spoken.
        cpu.execute(() -> {
            try {
                firmware.opened(reply -> inbound.offer(reply));
            } catch (RuntimeException e) {
                phone.recordViolation(description + ": firmware failed when the channel opened: " + e);
            }
        });
    }

    /** Hands one host message to the phone (asynchronously, in order). */
    void fromHost(byte[] message) {
        if (phone.has(SimFault.STALL)) {
            SimLog.LOG.debug("{}: stalled phone ignores {} bytes", description, message.length);
            return;
        }
        try {
            cpu.execute(() -> {
                SimFirmware.PhoneEndpoint out = reply -> {
                    SimLog.LOG.debug("{}: IN {} bytes", description, reply.length);
                    inbound.offer(reply);
                };
                try {
                    if (phone.consume(SimFault.NAK_NEXT)) {
                        firmware.refuse(message, out);
                    } else {
                        firmware.onHostMessage(message, out);
                    }
                } catch (RuntimeException e) {
                    phone.recordViolation(description + ": firmware failed on a host message: " + e);
                }
            });
        } catch (RejectedExecutionException e) {
            SimLog.LOG.debug("{}: message after close dropped", description);
        }
    }

    /**
     * The host closed its end: messages it already wrote were delivered on a real bus (a completed
     * bulk OUT transfer is in the phone), so they are still handled; then the phone's thread ends.
     */
    void hostClosed() {
        cpu.shutdown();
    }

    SimLink hostLink(Runnable onClose) {
        return SimLink.inProcess(inbound, keepsBoundaries, this::fromHost, onClose, description);
    }

    void gone(String reason) {
        inbound.gone(reason);
        shutdown();
    }

    void shutdown() {
        cpu.shutdownNow();
    }
}
