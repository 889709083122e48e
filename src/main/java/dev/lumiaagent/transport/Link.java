package dev.lumiaagent.transport;

import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * One bulk IN/OUT pair of an opened device interface, or a serial port.
 *
 * <p>Packet links (libusb, simulated packet links) keep message boundaries: one {@link #read} returns
 * at most one device transfer. Stream links (tty, COM, simulated stream links) do not: a read returns
 * whatever bytes are there, and codecs above must reassemble (DESIGN §3).
 */
public interface Link extends AutoCloseable {

    /**
     * Sends {@code src.remaining()} bytes as one message. On packet links the message is terminated
     * with a zero-length packet when its length is a non-zero multiple of {@link #maxPacketSize()} and
     * the link's {@link ZlpPolicy} asks for it (edl-protocol.md §1.7). Blocks until every byte is
     * accepted or the timeout ends.
     *
     * @throws TransferTimeout with the bytes moved so far
     * @throws DeviceGone when the device left
     */
    void write(ByteBuffer src, Duration timeout);

    /**
     * Reads into {@code dst}: one transfer on packet links (a zero-length packet returns 0), any
     * available bytes on stream links. Returns the count read, never -1.
     *
     * @throws TransferTimeout when nothing arrived within the timeout
     * @throws DeviceGone when the device left
     */
    int read(ByteBuffer dst, Duration timeout);

    /** wMaxPacketSize of the bulk endpoints (512 on high speed); stream links report their chunk size. */
    int maxPacketSize();

    /** True for packet links (one read = one device transfer). */
    boolean keepsBoundaries();

    /** A short description for logs, e.g. {@code libusb 1-1.4 if0 ep 0x81/0x01}. */
    String describe();

    @Override
    void close();
}
