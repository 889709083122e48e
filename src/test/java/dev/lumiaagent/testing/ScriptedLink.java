package dev.lumiaagent.testing;

import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.TransferTimeout;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The edge below a session, scripted: device transfers queued up front, served one per read on a
 * packet link, or as a byte stream cut at {@code chunk} bytes and merged across transfers on a stream
 * link (as a tty does). Everything the host writes is kept. Nothing queued = a read timeout.
 */
public class ScriptedLink implements Link {
    public final Deque<byte[]> transfers = new ArrayDeque<>();
    public final List<byte[]> written = new ArrayList<>();
    private final boolean packet;
    private final int chunk;
    private byte[] current;
    private int offset;

    public ScriptedLink(boolean packet, int chunk, byte[]... replies) {
        this.packet = packet;
        this.chunk = chunk;
        device(replies);
    }

    /** Queues more device transfers. */
    public ScriptedLink device(byte[]... replies) {
        for (byte[] r : replies) {
            transfers.add(r);
        }
        return this;
    }

    private final java.util.Map<Integer, List<byte[]>> afterWrites = new java.util.HashMap<>();

    /**
     * Device transfers that become readable only once the host has written {@code writes} transfers in
     * all, as a device answers a command: a session that reads ahead cannot see the next command's reply.
     */
    public ScriptedLink afterWrite(int writes, byte[]... replies) {
        if (written.size() >= writes) {
            return device(replies);
        }
        afterWrites.computeIfAbsent(writes, k -> new ArrayList<>()).addAll(List.of(replies));
        return this;
    }

    @Override
    public void write(ByteBuffer src, Duration timeout) {
        byte[] b = new byte[src.remaining()];
        src.get(b);
        written.add(b);
        List<byte[]> released = afterWrites.remove(written.size());
        if (released != null) {
            transfers.addAll(released);
        }
    }

    @Override
    public int read(ByteBuffer dst, Duration timeout) {
        if (packet) {
            byte[] next = transfers.poll();
            if (next == null) {
                throw new TransferTimeout(TransferTimeout.Direction.IN, timeout, 0);
            }
            dst.put(next);
            return next.length;
        }
        int moved = 0;
        while (moved < chunk && dst.hasRemaining()) {
            if (current == null || offset == current.length) {
                current = transfers.poll();
                offset = 0;
                if (current == null) {
                    break;
                }
            }
            int n = Math.min(Math.min(chunk - moved, dst.remaining()), current.length - offset);
            dst.put(current, offset, n);
            offset += n;
            moved += n;
        }
        if (moved == 0) {
            throw new TransferTimeout(TransferTimeout.Direction.IN, timeout, 0);
        }
        return moved;
    }

    @Override
    public int maxPacketSize() {
        return 512;
    }

    @Override
    public boolean keepsBoundaries() {
        return packet;
    }

    @Override
    public String describe() {
        return "scripted";
    }

    @Override
    public void close() {
    }
}
