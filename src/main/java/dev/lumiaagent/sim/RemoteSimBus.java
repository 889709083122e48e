package dev.lumiaagent.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.BusEvent;
import dev.lumiaagent.transport.BusUnavailable;
import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.LinkOptions;
import dev.lumiaagent.transport.TransportFailure;
import dev.lumiaagent.transport.UsbDevice;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A simulated bench served by another process ({@code lumia-agent simulate serve}), reached at
 * {@code sim://127.0.0.1:PORT}. Closing this bus, or killing the process that holds it, closes only
 * its own connections: the phones stay attached to the server.
 */
public final class RemoteSimBus implements Bus {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);

    private final String host;
    private final int port;
    private final List<Socket> watchers = new ArrayList<>();

    public RemoteSimBus(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** Parses {@code sim://HOST:PORT}. */
    public static RemoteSimBus connect(String uri) {
        try {
            URI u = new URI(uri);
            if (!"sim".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 1) {
                throw new IllegalArgumentException("expected sim://HOST:PORT, e.g. sim://127.0.0.1:7421, not " + uri);
            }
            return new RemoteSimBus(u.getHost(), u.getPort());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("expected sim://HOST:PORT, not " + uri);
        }
    }

    public String uri() {
        return "sim://" + host + ":" + port;
    }

    @Override
    public List<UsbDevice> devices() {
        JsonNode reply = request(SimWire.JSON.createObjectNode().put("op", "devices"));
        List<UsbDevice> out = new ArrayList<>();
        reply.path("devices").forEach(d -> out.add(SimWire.device(d)));
        return out;
    }

    @Override
    public String describe() {
        try {
            return request(SimWire.JSON.createObjectNode().put("op", "describe")).path("text").asText() + " at " + uri();
        } catch (BusUnavailable e) {
            return e.getMessage();
        }
    }

    /** Plugs a phone into the served bench; {@code spec} holds the bench-file fields of one phone. */
    public UsbDevice attach(ObjectNode spec) {
        ObjectNode req = spec.deepCopy();
        req.put("op", "attach");
        return SimWire.device(request(req).path("device"));
    }

    /** A person holds Volume-Down + Power on the phone at {@code port} until it vibrates. */
    public void keyReset(String port) {
        request(SimWire.JSON.createObjectNode().put("op", "keys").put("port", port));
    }

    /**
     * The served bench's hub, across the network: each question and each cycle is a request to the simulator, which
     * switches its own simulated hub (a port the server cannot reach answers as a cycle that could not be made).
     */
    @Override
    public dev.lumiaagent.transport.PortPower portPower() {
        return new dev.lumiaagent.transport.PortPower() {
            @Override
            public Capability capability(dev.lumiaagent.transport.PortPath port) {
                try {
                    JsonNode r = request(SimWire.JSON.createObjectNode().put("op", "port-power").put("port", port.toString()));
                    return r.path("canCycle").asBoolean() ? Capability.yes(r.path("why").asText() + " (at " + uri() + ")")
                            : Capability.no(r.path("why").asText());
                } catch (RuntimeException e) {
                    return Capability.no("the simulator at " + uri() + " cannot be asked (" + e.getMessage() + ")");
                }
            }

            @Override
            public CycleResult cycle(dev.lumiaagent.transport.PortPath port) {
                try {
                    JsonNode r = request(SimWire.JSON.createObjectNode().put("op", "port-power").put("port", port.toString())
                            .put("cycle", true));
                    return new CycleResult(CycleOutcome.valueOf(r.path("outcome").asText()), port, r.path("detail").asText(),
                            r.path("nextStep").asText());
                } catch (RuntimeException e) {
                    return new CycleResult(CycleOutcome.FAILED, port, "the simulator at " + uri() + " did not cycle it ("
                            + e.getMessage() + ")", CycleResult.manual(port));
                }
            }
        };
    }

    public void detach(String port) {
        request(SimWire.JSON.createObjectNode().put("op", "detach").put("port", port));
    }

    @Override
    public Subscription watch(Consumer<BusEvent> listener) {
        Socket s = connectSocket();
        try {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            SimWire.writeLine(out, SimWire.JSON.createObjectNode().put("op", "watch"));
            JsonNode ack = SimWire.readLine(in);
            if (ack == null || !ack.path("ok").asBoolean()) {
                throw unreachable("the simulator at " + uri() + " refused to stream events");
            }
            s.setSoTimeout(0);
            Thread reader = new Thread(() -> {
                try {
                    JsonNode line;
                    while ((line = SimWire.readLine(in)) != null) {
                        UsbDevice d = SimWire.device(line.path("device"));
                        BusEvent e = "attached".equals(line.path("event").asText())
                                ? new BusEvent.Attached(d) : new BusEvent.Detached(d);
                        try {
                            listener.accept(e);
                        } catch (RuntimeException ex) {
                            SimLog.LOG.warn("a bus listener failed on {}: {}", e, ex.toString());
                        }
                    }
                } catch (IOException ex) {
                    SimLog.LOG.debug("simulator event stream ended: {}", ex.toString());
                }
            }, "sim-remote-watch");
            reader.setDaemon(true);
            reader.start();
            synchronized (watchers) {
                watchers.add(s);
            }
            return () -> {
                closeQuietly(s);
                synchronized (watchers) {
                    watchers.remove(s);
                }
            };
        } catch (IOException e) {
            closeQuietly(s);
            throw unreachable("lost the simulator at " + uri() + ": " + e.getMessage());
        }
    }

    @Override
    public Link open(UsbDevice device, LinkOptions options) {
        Socket s = connectSocket();
        try {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            ObjectNode req = SimWire.JSON.createObjectNode().put("op", "open");
            req.set("device", SimWire.device(device));
            req.put("zlp", options.zlp().name()).put("interface", options.interfaceNumber());
            SimWire.writeLine(out, req);
            JsonNode reply = SimWire.readLine(in);
            if (reply == null) {
                throw unreachable("the simulator at " + uri() + " closed the connection");
            }
            if (!reply.path("ok").asBoolean()) {
                closeQuietly(s);
                String error = reply.path("error").asText();
                if ("gone".equals(reply.path("kind").asText())) {
                    throw new DeviceGone(error);
                }
                throw new TransportFailure("SIM_OPEN", error);
            }
            s.setSoTimeout(0);
            return remoteLink(s, in, out, reply.path("keepsBoundaries").asBoolean(),
                    reply.path("maxPacket").asInt(512), reply.path("describe").asText() + " via " + uri());
        } catch (IOException e) {
            closeQuietly(s);
            throw new DeviceGone("lost the simulator at " + uri() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        synchronized (watchers) {
            watchers.forEach(RemoteSimBus::closeQuietly);
            watchers.clear();
        }
    }

    private JsonNode request(ObjectNode req) {
        try (Socket s = connectSocket()) {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            SimWire.writeLine(out, req);
            JsonNode reply = SimWire.readLine(in);
            if (reply == null) {
                throw unreachable("the simulator at " + uri() + " closed the connection");
            }
            if (!reply.path("ok").asBoolean()) {
                throw new IllegalArgumentException(reply.path("error").asText());
            }
            return reply;
        } catch (IOException e) {
            throw unreachable("no answer from the simulator at " + uri() + ": " + e.getMessage());
        }
    }

    private Socket connectSocket() {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
            s.setSoTimeout((int) REPLY_TIMEOUT.toMillis());
            return s;
        } catch (IOException e) {
            closeQuietly(s);
            throw new BusUnavailable("no simulator at " + uri() + " (" + e.getMessage() + ")",
                    "Start one with: lumia-agent simulate serve, and pass the address it prints to --bus.");
        }
    }

    private static BusUnavailable unreachable(String message) {
        return new BusUnavailable(message, "Check that `lumia-agent simulate serve` is still running at that address.");
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** The agent's end of a link to a phone in the simulator process: frames over the socket. */
    private static Link remoteLink(Socket socket, DataInputStream in, DataOutputStream out, boolean keepsBoundaries,
                                   int maxPacket, String description) {
        InboundQueue inbound = new InboundQueue(keepsBoundaries, Math.max(1, maxPacket));
        Thread reader = new Thread(() -> {
            try {
                SimWire.Frame f;
                while ((f = SimWire.readFrame(in)) != null) {
                    if (f.type() == SimWire.FRAME_GONE) {
                        inbound.gone(new String(f.payload(), StandardCharsets.UTF_8));
                        return;
                    }
                    inbound.offer(f.payload());
                }
                inbound.gone("the simulator closed the link (" + description + ")");
            } catch (IOException e) {
                inbound.gone("lost the simulator: " + e.getMessage());
            }
        }, "sim-remote-link");
        reader.setDaemon(true);
        reader.start();
        return new SimLink(inbound, keepsBoundaries, maxPacket, message -> {
            try {
                SimWire.writeFrame(out, SimWire.FRAME_DATA, message, 0, message.length);
            } catch (IOException e) {
                throw new DeviceGone("lost the simulator: " + e.getMessage(), e);
            }
        }, () -> closeQuietly(socket), description);
    }
}
