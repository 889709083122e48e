package dev.lumiaagent.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.BusEvent;
import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.LinkOptions;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.TransferTimeout;
import dev.lumiaagent.transport.TransportException;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.ZlpPolicy;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Serves a simulated bench to other processes on a loopback port, so simulated phones outlive the
 * agents that use them, as real phones do. One thread per connection; connections are independent,
 * so an agent killed mid-transfer only closes its own links.
 */
public final class SimServer implements AutoCloseable {
    private final SimBus bus;
    private final ServerSocket server;
    private final ExecutorService connections;
    private final Thread acceptor;
    private volatile boolean closed;

    private SimServer(SimBus bus, ServerSocket server) {
        this.bus = bus;
        this.server = server;
        this.connections = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sim-server-conn");
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, "sim-server-accept");
        this.acceptor.setDaemon(true);
    }

    /** Starts serving {@code bus} on 127.0.0.1:{@code port} (0 = any free port). */
    public static SimServer start(SimBus bus, int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        SimServer server = new SimServer(bus, s);
        server.acceptor.start();
        return server;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The address agents use: {@code sim://127.0.0.1:PORT}. */
    public String uri() {
        return "sim://" + server.getInetAddress().getHostAddress() + ":" + port();
    }

    public SimBus bus() {
        return bus;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                connections.execute(() -> serve(s));
            } catch (IOException e) {
                if (!closed) {
                    SimLog.LOG.warn("simulator server: accept failed: {}", e.toString());
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (socket;
             DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()))) {
            JsonNode request;
            while ((request = SimWire.readLine(in)) != null) {
                String op = request.path("op").asText();
                switch (op) {
                    case "devices": {
                        ObjectNode reply = SimWire.ok();
                        ArrayNode list = reply.putArray("devices");
                        bus.devices().forEach(d -> list.add(SimWire.device(d)));
                        SimWire.writeLine(out, reply);
                        break;
                    }
                    case "describe":
                        SimWire.writeLine(out, SimWire.ok().put("text", bus.describe()));
                        break;
                    case "attach":
                        SimWire.writeLine(out, attach(request));
                        break;
                    case "detach": {
                        PortPath port = PortPath.parse(request.path("port").asText());
                        SimWire.writeLine(out, bus.detach(port).isPresent()
                                ? SimWire.ok() : SimWire.error("no phone on port " + port));
                        break;
                    }
                    case "keys": {
                        PortPath port = PortPath.parse(request.path("port").asText());
                        if (bus.phoneAt(port).isEmpty()) {
                            SimWire.writeLine(out, SimWire.error("no phone on port " + port));
                        } else {
                            bus.keyReset(port);
                            SimWire.writeLine(out, SimWire.ok());
                        }
                        break;
                    }
                    case "port-power": {
                        // the served bench's hub (issue 18): what a port can do, and a cycle, for a client's recovery step
                        PortPath port = PortPath.parse(request.path("port").asText());
                        dev.lumiaagent.transport.PortPower power = bus.portPower();
                        if (request.path("cycle").asBoolean()) {
                            dev.lumiaagent.transport.PortPower.CycleResult r = power.cycle(port);
                            SimWire.writeLine(out, SimWire.ok().put("outcome", r.outcome().name()).put("detail", r.detail())
                                    .put("nextStep", r.nextStep()));
                        } else {
                            dev.lumiaagent.transport.PortPower.Capability c = power.capability(port);
                            SimWire.writeLine(out, SimWire.ok().put("canCycle", c.canCycle()).put("why", c.why()));
                        }
                        break;
                    }
                    case "watch":
                        watch(out, in);
                        return;
                    case "open":
                        open(request, in, out);
                        return;
                    default:
                        SimWire.writeLine(out, SimWire.error("unknown request '" + op + "'"));
                }
            }
        } catch (SocketException e) {
            SimLog.LOG.debug("simulator server: client went away: {}", e.toString());
        } catch (IOException | RuntimeException e) {
            SimLog.LOG.debug("simulator server: connection ended: {}", e.toString());
        }
    }

    private ObjectNode attach(JsonNode request) {
        try {
            ObjectNode spec = SimWire.JSON.createObjectNode();
            request.fields().forEachRemaining(f -> {
                if (!f.getKey().equals("op")) {
                    spec.set(f.getKey(), f.getValue());
                }
            });
            ObjectNode bench = SimWire.JSON.createObjectNode();
            bench.putArray("phones").add(spec);
            BenchSpec.PhoneSpec phone = BenchSpec.parse(bench).phones().get(0);
            UsbDevice device = bus.attach(phone.port(), phone.build());
            return SimWire.ok().set("device", SimWire.device(device));
        } catch (IllegalArgumentException | IllegalStateException e) {
            return SimWire.error(e.getMessage());
        }
    }

    /**
     * Subscribes, then acknowledges: a client that heard the "ok" misses no event (it lists the devices
     * next, as {@code Station} does). Events wait for the acknowledgement to be written first.
     */
    private void watch(DataOutputStream out, DataInputStream in) throws IOException {
        Bus.Subscription sub = null;
        try {
            synchronized (out) {
                sub = bus.watch(event -> {
                    ObjectNode n = SimWire.JSON.createObjectNode();
                    n.put("event", event instanceof BusEvent.Attached ? "attached" : "detached");
                    n.set("device", SimWire.device(event.device()));
                    try {
                        SimWire.writeLine(out, n); // holds out's lock: after the "ok" below
                    } catch (IOException e) {
                        SimLog.LOG.debug("simulator server: watcher went away");
                    }
                });
                SimWire.writeLine(out, SimWire.ok());
            }
            // The client never sends more on a watch connection; its end of stream ends the watch.
            while (in.read() >= 0) {
                // ignore
            }
        } finally {
            if (sub != null) {
                sub.close();
            }
        }
    }

    private void open(JsonNode request, DataInputStream in, DataOutputStream out) throws IOException {
        UsbDevice device;
        Link link;
        try {
            device = SimWire.device(request.path("device"));
            ZlpPolicy zlp = ZlpPolicy.valueOf(request.path("zlp").asText("TERMINATE_OUT").toUpperCase(Locale.ROOT));
            link = bus.open(device, LinkOptions.defaults().withZlp(zlp).withInterface(request.path("interface").asInt(-1)));
        } catch (TransportException e) {
            SimWire.writeLine(out, SimWire.error(e.getMessage()).put("kind", e instanceof DeviceGone ? "gone" : "failure"));
            return;
        } catch (IllegalArgumentException e) {
            SimWire.writeLine(out, SimWire.error(e.getMessage()));
            return;
        }
        try (link) {
            SimWire.writeLine(out, SimWire.ok().put("keepsBoundaries", link.keepsBoundaries())
                    .put("maxPacket", link.maxPacketSize()).put("describe", link.describe()));
            Thread pump = new Thread(() -> pumpToClient(link, out), "sim-server-pump " + device.port());
            pump.setDaemon(true);
            pump.start();
            SimWire.Frame frame;
            while ((frame = SimWire.readFrame(in)) != null) {
                if (frame.type() == SimWire.FRAME_DATA) {
                    link.write(ByteBuffer.wrap(frame.payload()), Duration.ofSeconds(5));
                }
            }
        } catch (DeviceGone e) {
            SimLog.LOG.debug("simulator server: {}", e.getMessage());
        }
    }

    private void pumpToClient(Link link, DataOutputStream out) {
        ByteBuffer buf = ByteBuffer.allocate(1024 * 1024);
        try {
            while (true) {
                buf.clear();
                int n;
                try {
                    n = link.read(buf, Duration.ofMillis(250));
                } catch (TransferTimeout e) {
                    continue;
                }
                SimWire.writeFrame(out, SimWire.FRAME_DATA, buf.array(), 0, n);
            }
        } catch (DeviceGone e) {
            byte[] reason = e.getMessage().getBytes(StandardCharsets.UTF_8);
            try {
                SimWire.writeFrame(out, SimWire.FRAME_GONE, reason, 0, reason.length);
            } catch (IOException ignored) {
                // the client is gone too
            }
        } catch (IOException | IllegalStateException e) {
            SimLog.LOG.debug("simulator server: link pump ended: {}", e.toString());
        }
    }


    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        connections.shutdownNow();
        try {
            connections.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
