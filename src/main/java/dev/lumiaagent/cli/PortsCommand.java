package dev.lumiaagent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lumiaagent.host.Hub;
import dev.lumiaagent.host.HubPort;
import dev.lumiaagent.host.Uhubctl;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.PortPower;
import dev.lumiaagent.transport.UsbDevice;
import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lumia-agent ports}: the hubs and ports the agent sees (uhubctl's listing on the host's USB bus), which phone is on
 * each port (the bus's phones by port path) and which ports can have their power switched; {@code ports cycle PORT}
 * switches one port off and on again (issue 18).
 */
@Command(name = "ports", mixinStandardHelpOptions = true, subcommands = PortsCommand.Cycle.class,
        description = {"Lists the USB hubs and ports the agent sees, the phone on each port (mode and identity), and which ports",
                "can have their power switched (uhubctl, per-port power switching: ppps), with USB3 twin hubs noted.",
                "On a simulated bench (--simulate, --bench) it lists the simulated hub's ports."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:listed", "1:uhubctl could not list the hubs (not installed, no permission: the output says what to do)",
                "4:the bus could not be opened"})
final class PortsCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    BusOptions busOptions;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Bus bus = busOptions.open()) {
            Map<PortPath, UsbDevice> phones = new TreeMap<>();
            bus.devices().forEach(d -> phones.put(d.port(), d));
            // uhubctl lists this machine's hubs: only for the host's own bus (not a simulated, remote or replayed one)
            boolean host = BusOptions.under(bus, SystemBus.PortPowered.class) != null;
            Uhubctl.Listing listing = host ? SystemBus.uhubctl().list() : null;
            PortPower power = bus.portPower();
            if (json) {
                out.println(toJson(bus, phones, listing, power).toPrettyString());
            } else {
                print(out, bus, phones, listing, power);
            }
            out.flush();
            boolean listed = listing == null || listing.outcome() == Uhubctl.Outcome.LISTED || listing.outcome() == Uhubctl.Outcome.NONE;
            return listed ? ExitCode.OK.code() : ExitCode.FAILED.code();
        }
    }

    private static void print(PrintWriter out, Bus bus, Map<PortPath, UsbDevice> phones, Uhubctl.Listing listing, PortPower power) {
        out.println("Bus: " + bus.describe());
        if (listing != null) {
            printHubs(out, listing, phones);
        }
        out.println();
        if (phones.isEmpty()) {
            out.println("No phone attached.");
            return;
        }
        out.printf("%-10s %-22s %-9s %s%n", "PORT", "PHONE", "VID:PID", "POWER SWITCHING");
        for (UsbDevice d : phones.values()) {
            PortPower.Capability c = power.capability(d.port());
            out.printf("%-10s %-22s %-9s %s%n", d.port(), d.personality().name() + (d.serial().isEmpty() ? "" : " " + d.serial()),
                    d.vidPid(), (c.canCycle() ? "yes: " : "no: ") + c.why());
        }
    }

    private static void printHubs(PrintWriter out, Uhubctl.Listing listing, Map<PortPath, UsbDevice> phones) {
        switch (listing.outcome()) {
            case MISSING:
                out.println("uhubctl is not installed, so no port's power can be switched: " + Uhubctl.INSTALL);
                return;
            case PERMISSION:
                out.println("uhubctl may not read the hubs as this user: run `lumia-agent setup` (udev rule for hubs) or run as root.");
                return;
            case NONE:
                out.println("No hub that can switch its ports' power (ppps) was found (" + listing.detail() + ").");
                return;
            case LISTED:
                break;
            default:
                out.println("uhubctl failed: " + listing.detail());
                return;
        }
        for (Hub h : listing.hubs()) {
            out.println("Hub " + h.location() + "  " + h.description() + (h.canSwitchPorts() ? "" : "  (cannot switch its ports)")
                    + h.twin().map(t -> "  USB3 twin of " + t).orElse(""));
            for (HubPort p : h.ports()) {
                PortPath path = Uhubctl.Location.pathOf(h.location(), p.number());
                UsbDevice phone = phones.get(path);
                out.printf("  %-10s %-6s %s%s%n", path, p.powered() ? "power" : "off",
                        p.device().map(d -> d + (p.deviceName().isEmpty() ? "" : " " + p.deviceName())).orElse(p.connected() ? "connected" : "-"),
                        phone == null ? "" : "  ← " + phone.personality().name() + (phone.serial().isEmpty() ? "" : " " + phone.serial()));
            }
        }
    }

    private static ObjectNode toJson(Bus bus, Map<PortPath, UsbDevice> phones, Uhubctl.Listing listing, PortPower power) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("bus", bus.describe());
        if (listing != null) {
            ObjectNode u = doc.putObject("uhubctl");
            u.put("outcome", listing.outcome().name());
            if (!listing.detail().isEmpty()) {
                u.put("detail", listing.detail());
            }
            if (listing.outcome() == Uhubctl.Outcome.MISSING) {
                u.put("install", Uhubctl.INSTALL);
            }
            ArrayNode hubs = doc.putArray("hubs");
            for (Hub h : listing.hubs()) {
                ObjectNode n = hubs.addObject();
                n.put("location", h.location());
                n.put("vidPid", h.vidPid());
                n.put("name", h.name());
                n.put("usb", h.usbVersion());
                n.put("ports", h.portCount());
                n.put("switching", h.switching().word());
                h.twin().ifPresent(t -> n.put("twin", t));
                ArrayNode ports = n.putArray("portStatus");
                for (HubPort p : h.ports()) {
                    ObjectNode pn = ports.addObject();
                    pn.put("port", Uhubctl.Location.pathOf(h.location(), p.number()).toString());
                    pn.put("status", p.status());
                    pn.put("powered", p.powered());
                    p.device().ifPresent(d -> pn.put("device", d));
                    if (!p.deviceName().isEmpty()) {
                        pn.put("deviceName", p.deviceName());
                    }
                }
            }
        }
        ArrayNode list = doc.putArray("phones");
        for (UsbDevice d : phones.values()) {
            ObjectNode n = DevicesCommand.toJson(d);
            PortPower.Capability c = power.capability(d.port());
            n.put("canCyclePower", c.canCycle());
            n.put("powerSwitching", c.why());
            list.add(n);
        }
        return doc;
    }

    /** {@code lumia-agent ports cycle 1-2.3}. */
    @Command(name = "cycle", mixinStandardHelpOptions = true,
            description = {"Switches one port's power off and on again (uhubctl -l HUB -p N -a cycle; on a simulated bench its",
                    "simulated hub): the phone on it restarts as if unplugged and plugged in again."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the port was switched off and on", "1:it was not (the output names why and what to do instead)",
                    "2:the port path was wrong", "4:the bus could not be opened"})
    static final class Cycle implements Callable<Integer> {
        @Mixin
        BusOptions busOptions;

        @Parameters(index = "0", paramLabel = "PORT", description = "The port path, e.g. 1-2.3 (as `lumia-agent devices` shows it).")
        String port;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PortPath path;
            try {
                path = PortPath.parse(port);
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return ExitCode.USAGE.code();
            }
            PrintWriter out = spec.commandLine().getOut();
            try (Bus bus = busOptions.open()) {
                PortPower.CycleResult r = bus.portPower().cycle(path);
                out.println(r.outcome() + ": port " + path + (r.detail().isEmpty() ? "" : ": " + r.detail()));
                if (!r.nextStep().isEmpty()) {
                    out.println("Next step: " + r.nextStep());
                }
                out.flush();
                return r.cycled() ? ExitCode.OK.code() : ExitCode.FAILED.code();
            }
        }
    }
}
