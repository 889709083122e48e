package dev.lumiaagent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.BusEvent;
import dev.lumiaagent.transport.UsbDevice;
import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lumia-agent devices}: every phone on the bus with port, personality and identity. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = {"Lists every phone on the bus: port, personality (mode), VID:PID, product and serial.",
                "Exits 3 when no phone is attached."})
final class DevicesCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Mixin
    BusOptions busOptions;

    @Option(names = "--json", description = "Print JSON for scripts (one document; with --watch, one event per line).")
    boolean json;

    @Option(names = "--watch", description = "Keep running and print phones as they attach and detach, until Ctrl-C.")
    boolean watch;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        try (Bus bus = busOptions.open()) {
            if (!watch) {
                List<UsbDevice> devices = bus.devices();
                if (json) {
                    ObjectNode doc = JSON.createObjectNode();
                    doc.put("bus", bus.describe());
                    ArrayNode list = doc.putArray("phones");
                    devices.forEach(d -> list.add(toJson(d)));
                    out.println(doc.toPrettyString());
                } else {
                    printTable(out, bus, devices);
                }
                out.flush();
                return devices.isEmpty() ? ExitCode.NO_PHONE.code() : ExitCode.OK.code();
            }
            return watch(bus, out);
        }
    }

    private int watch(Bus bus, PrintWriter out) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(stop::countDown, "devices-watch-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        // Subscribe before listing, so a phone that arrives in between is not missed.
        try (Bus.Subscription sub = bus.watch(event -> printEvent(out, event))) {
            List<UsbDevice> now = bus.devices();
            if (json) {
                now.forEach(d -> out.println(eventJson("present", d)));
            } else {
                printTable(out, bus, now);
                out.println("Watching for phones to attach and detach; press Ctrl-C to stop.");
            }
            out.flush();
            stop.await();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting through Ctrl-C
            }
        }
        return ExitCode.INTERRUPTED.code();
    }

    private void printEvent(PrintWriter out, BusEvent event) {
        boolean attached = event instanceof BusEvent.Attached;
        synchronized (out) {
            if (json) {
                out.println(eventJson(attached ? "attached" : "detached", event.device()));
            } else {
                UsbDevice d = event.device();
                out.printf("%s %-8s %-10s %s  %s%s%n", LocalTime.now().format(TIME), attached ? "attached" : "detached",
                        d.port(), d.vidPid(), d.personality().name(), d.product().isEmpty() ? "" : "  " + d.product());
            }
            out.flush();
        }
    }

    private String eventJson(String kind, UsbDevice d) {
        ObjectNode n = JSON.createObjectNode();
        n.put("event", kind);
        n.put("time", java.time.Instant.now().toString());
        n.set("phone", toJson(d));
        return n.toString();
    }

    static ObjectNode toJson(UsbDevice d) {
        ObjectNode n = JSON.createObjectNode();
        n.put("port", d.port().toString());
        n.put("mode", d.personality().mode().name());
        n.put("personality", d.personality().name());
        n.put("protocol", d.personality().protocol().name());
        n.put("vidPid", d.vidPid());
        n.put("manufacturer", d.manufacturer());
        n.put("product", d.product());
        n.put("serial", d.serial());
        ArrayNode ifs = n.putArray("interfaces");
        d.interfaces().forEach(ifs::add);
        if (!d.personality().note().isEmpty()) {
            n.put("note", d.personality().note());
        }
        return n;
    }

    private static void printTable(PrintWriter out, Bus bus, List<UsbDevice> devices) {
        if (devices.isEmpty()) {
            out.println("No phone attached.");
            out.println("Bus: " + bus.describe());
            out.println("Plug a Lumia in (any mode), or try the simulator: lumia-agent devices --simulate 4");
            return;
        }
        int modeWidth = Math.max(11, devices.stream().mapToInt(d -> d.personality().name().length()).max().orElse(0));
        int productWidth = Math.max(7, devices.stream().mapToInt(d -> d.product().length()).max().orElse(0));
        String row = "%-10s %-" + modeWidth + "s %-9s %-" + productWidth + "s %s%n";
        out.printf(row, "PORT", "PERSONALITY", "VID:PID", "PRODUCT", "SERIAL");
        for (UsbDevice d : devices) {
            out.printf(row, d.port(), d.personality().name(), d.vidPid(), d.product().isEmpty() ? "-" : d.product(),
                    d.serial().isEmpty() ? "-" : d.serial());
        }
        out.println();
        out.println(devices.size() + (devices.size() == 1 ? " phone" : " phones") + " — " + bus.describe());
    }
}
