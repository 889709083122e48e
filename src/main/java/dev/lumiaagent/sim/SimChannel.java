package dev.lumiaagent.sim;

import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.TransferTimeout;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One open channel to a simulated phone: host messages go to the phone's firmware on the phone's
 * own thread; the firmware's replies land in the host's {@link InboundQueue}.
 */
final class SimChannel {
    /** States of a message handed over by {@link #fromHost(ByteBuffer[], Duration)}. */
    private static final int QUEUED = 0;
    private static final int TAKING = 1;
    private static final int WITHDRAWN = 2;
    /** How often a host waiting for the phone to take a message checks for a timeout or a departed phone. */
    private static final long POLL_MILLIS = 20;

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
                firmware.opened(reply -> inbound.offer(corruptedIfArmed(reply)));
            } catch (RuntimeException e) {
                phone.recordViolation(description + ": firmware failed when the channel opened: " + e);
            }
        });
    }

    /** The {@code corrupt-next} fault: this reply's bytes 4..7 (its length field, in Sahara) read 0xFF, once. */
    private byte[] corruptedIfArmed(byte[] reply) {
        if (!phone.consume(SimFault.CORRUPT_NEXT)) {
            return reply;
        }
        byte[] bad = reply.clone();
        for (int i = 4; i < Math.min(8, bad.length); i++) {
            bad[i] = (byte) 0xFF;
        }
        if (bad.length < 5) {
            bad = new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        }
        SimLog.LOG.debug("{}: reply of {} bytes corrupted (corrupt-next)", description, reply.length);
        return bad;
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
                    inbound.offer(corruptedIfArmed(reply));
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
     * Hands one host message, written by a gathering write, to the phone without copying it: the
     * firmware reads the host's read-only views on the phone's thread, and this call returns when it
     * has done so, as a bulk OUT transfer completes when the device has received the data (the host
     * may then reuse its buffers). Messages stay in order with {@link #fromHost}.
     *
     * @throws TransferTimeout when the phone has not started on the message within {@code timeout}
     *     (it is then never handed to the phone)
     * @throws DeviceGone when the phone left the bus before taking the message
     */
    void fromHost(ByteBuffer[] parts, Duration timeout) {
        if (phone.has(SimFault.STALL)) {
            SimLog.LOG.debug("{}: stalled phone ignores a message in {} parts", description, parts.length);
            return;
        }
        AtomicInteger state = new AtomicInteger(QUEUED);
        CountDownLatch taken = new CountDownLatch(1);
        try {
            cpu.execute(() -> {
                try {
                    if (!state.compareAndSet(QUEUED, TAKING)) {
                        return;
                    }
                    SimFirmware.PhoneEndpoint out = reply -> {
                        SimLog.LOG.debug("{}: IN {} bytes", description, reply.length);
                        inbound.offer(corruptedIfArmed(reply));
                    };
                    try {
                        if (phone.consume(SimFault.NAK_NEXT)) {
                            firmware.refuse(parts, out);
                        } else {
                            firmware.onHostMessage(parts, out);
                        }
                    } catch (RuntimeException e) {
                        phone.recordViolation(description + ": firmware failed on a host message: " + e);
                    }
                } finally {
                    taken.countDown();
                }
            });
        } catch (RejectedExecutionException e) {
            SimLog.LOG.debug("{}: message after close dropped", description);
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!taken.await(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                // A message the phone never started on is withdrawn: its bytes are the host's again.
                if (inbound.isGone() && state.compareAndSet(QUEUED, WITHDRAWN)) {
                    throw new DeviceGone("the simulated phone left the bus before taking the message (" + description + ")");
                }
                if (cpu.isShutdown() && state.compareAndSet(QUEUED, WITHDRAWN)) {
                    SimLog.LOG.debug("{}: message after close dropped", description);
                    return;
                }
                if (System.nanoTime() - deadline >= 0 && state.compareAndSet(QUEUED, WITHDRAWN)) {
                    throw new TransferTimeout(TransferTimeout.Direction.OUT, timeout, 0);
                }
                // Taking: the firmware is reading the views; wait until it is done with them.
            }
        } catch (InterruptedException e) {
            if (state.compareAndSet(QUEUED, WITHDRAWN)) {
                Thread.currentThread().interrupt();
                throw new TransferTimeout(TransferTimeout.Direction.OUT, timeout, 0);
            }
            // The phone is reading the host's buffers: they are not the host's until it is done.
            while (true) {
                try {
                    taken.await();
                    break;
                } catch (InterruptedException again) {
                    // keep waiting; the interrupt is restored below
                }
            }
            Thread.currentThread().interrupt();
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
        return SimLink.inProcess(inbound, keepsBoundaries, this::fromHost, this::fromHost, onClose, description);
    }

    void gone(String reason) {
        inbound.gone(reason);
        shutdown();
    }

    void shutdown() {
        cpu.shutdownNow();
    }
}
