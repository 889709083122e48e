package dev.lumiaagent.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import dev.lumiaagent.transport.discovery.Personality;
import dev.lumiaagent.transport.discovery.WireProtocol;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The loopback protocol between {@link SimServer} and {@link RemoteSimBus}.
 *
 * <p>Control: one JSON object per line each way ({@code devices}, {@code watch}, {@code attach},
 * {@code detach}, {@code describe}, {@code open}); every request gets {@code {"ok":true,…}} or
 * {@code {"ok":false,"error":"…"}}. After a successful {@code open} the connection carries binary
 * frames: one type byte ({@code 'D'} a message, {@code 'G'} the phone left, with the reason), a
 * big-endian u32 length, the payload. Frames keep message boundaries, so packet links stay packet
 * links across the socket.
 */
final class SimWire {
    static final ObjectMapper JSON = new ObjectMapper();
    static final byte FRAME_DATA = 'D';
    static final byte FRAME_GONE = 'G';
    static final int MAX_FRAME = 64 * 1024 * 1024;
    static final int MAX_LINE = 1024 * 1024;

    private SimWire() {
    }

    static ObjectNode device(UsbDevice d) {
        ObjectNode n = JSON.createObjectNode();
        n.put("port", d.port().toString());
        n.put("vid", d.vid());
        n.put("pid", d.pid());
        n.put("manufacturer", d.manufacturer());
        n.put("product", d.product());
        n.put("serial", d.serial());
        ArrayNode ifs = n.putArray("interfaces");
        d.interfaces().forEach(ifs::add);
        Personality p = d.personality();
        ObjectNode pn = n.putObject("personality");
        pn.put("mode", p.mode().name());
        pn.put("protocol", p.protocol().name());
        pn.put("name", p.name());
        pn.put("interface", p.interfaceNumber());
        pn.put("note", p.note());
        return n;
    }

    static UsbDevice device(JsonNode n) {
        List<Integer> ifs = new ArrayList<>();
        n.path("interfaces").forEach(i -> ifs.add(i.asInt()));
        JsonNode pn = n.path("personality");
        Personality p = new Personality(Mode.valueOf(pn.path("mode").asText()),
                WireProtocol.valueOf(pn.path("protocol").asText()), pn.path("name").asText(),
                pn.path("interface").asInt(-1), pn.path("note").asText(""));
        return new UsbDevice(PortPath.parse(n.path("port").asText()), n.path("vid").asInt(), n.path("pid").asInt(),
                n.path("manufacturer").asText(), n.path("product").asText(), n.path("serial").asText(), ifs, p);
    }

    static void writeLine(DataOutputStream out, JsonNode node) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(node);
        synchronized (out) {
            out.write(bytes);
            out.write('\n');
            out.flush();
        }
    }

    /** Reads one JSON line; returns null at a clean end of stream. */
    static JsonNode readLine(DataInputStream in) throws IOException {
        byte[] buf = new byte[256];
        int n = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (n == 0) {
                    return null;
                }
                throw new EOFException("connection closed in the middle of a line");
            }
            if (b == '\n') {
                break;
            }
            if (n == buf.length) {
                if (n >= MAX_LINE) {
                    throw new IOException("control line longer than " + MAX_LINE + " bytes");
                }
                buf = java.util.Arrays.copyOf(buf, n * 2);
            }
            buf[n++] = (byte) b;
        }
        return JSON.readTree(new String(buf, 0, n, StandardCharsets.UTF_8));
    }

    static void writeFrame(DataOutputStream out, byte type, byte[] payload, int off, int len) throws IOException {
        synchronized (out) {
            out.writeByte(type);
            out.writeInt(len);
            out.write(payload, off, len);
            out.flush();
        }
    }

    record Frame(byte type, byte[] payload) {
    }

    /** Reads one frame; null at a clean end of stream. */
    static Frame readFrame(DataInputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            return null;
        }
        int len = in.readInt();
        if (len < 0 || len > MAX_FRAME) {
            throw new IOException("frame length out of range: " + len);
        }
        byte[] payload = new byte[len];
        in.readFully(payload);
        return new Frame((byte) type, payload);
    }

    static ObjectNode ok() {
        return JSON.createObjectNode().put("ok", true);
    }

    static ObjectNode error(String message) {
        return JSON.createObjectNode().put("ok", false).put("error", message);
    }
}
