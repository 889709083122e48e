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
     * A gathering write: sends the remaining bytes of {@code srcs}, in order, as ONE message, exactly
     * as {@link #write(ByteBuffer, Duration)} sends their concatenation (same transfer, same
     * zero-length-packet rule on the total length, same timeout). The device cannot tell the two
     * apart; the parts only save the caller from assembling the message in a buffer of its own (a
     * {@code NOKXFS} header in front of the FFU data, for instance). A completed write leaves each
     * buffer's position at its limit, as a single write does.
     *
     * <p>The default concatenates into one heap buffer and calls {@link #write(ByteBuffer, Duration)},
     * which is right for every backend; links that can send the parts without that copy override it.
     *
     * @throws TransferTimeout with the bytes moved so far
     * @throws DeviceGone when the device left
     */
    default void write(ByteBuffer[] srcs, Duration timeout) {
        long total = 0;
        for (ByteBuffer b : srcs) {
            total += b.remaining();
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a message of " + total + " bytes does not fit one buffer");
        }
        ByteBuffer message = ByteBuffer.allocate((int) total);
        for (ByteBuffer b : srcs) {
            message.put(b);
        }
        write(message.flip(), timeout);
    }

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
