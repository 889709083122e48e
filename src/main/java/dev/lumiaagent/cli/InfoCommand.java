package dev.lumiaagent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lumiaagent.device.DeviceInfo;
import dev.lumiaagent.device.InfoField;
import dev.lumiaagent.device.InfoReader;
import dev.lumiaagent.flow.FlowContext;
import dev.lumiaagent.flow.FlowFailure;
import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.UsbDevice;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lumia-agent info}: what each phone is, read from whatever mode it is in. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Reads what the phone's current mode can tell: product type and code, IMEI, versions, platform ID, "
                + "root-key hash, security state, battery. Fields a mode cannot give are left out.",
                "Without --port, reads every phone on the bus."})
final class InfoCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    BusOptions busOptions;

    @Mixin
    PhoneSelection selection;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Spec
    CommandSpec spec;

    private record Read(UsbDevice device, DeviceInfo info, Outcome failure) {
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        try (Bus bus = busOptions.open()) {
            List<UsbDevice> targets = new ArrayList<>();
            if (selection.port().isPresent()) {
                selection.select(bus).ifPresent(targets::add);
                if (targets.isEmpty()) {
                    throw new PhoneSelection.NoSinglePhone(ExitCode.NO_PHONE, "No phone on port " + selection.port().get() + ".",
                            "Check `lumia-agent devices` for the port the phone is on.");
                }
            } else {
                targets.addAll(bus.devices());
                if (targets.isEmpty()) {
                    throw new PhoneSelection.NoSinglePhone(ExitCode.NO_PHONE, "No phone attached (" + bus.describe() + ").",
                            "Plug a Lumia in (any mode), or try: lumia-agent info --simulate 3");
                }
            }
            List<Read> reads = new ArrayList<>();
            for (UsbDevice d : targets) {
                reads.add(read(bus, d));
            }
            print(out, reads);
            return reads.stream().allMatch(r -> r.failure() == null) ? ExitCode.OK.code() : ExitCode.FAILED.code();
        }
    }

    private Read read(Bus bus, UsbDevice d) throws InterruptedException {
        FlowContext ctx = new FlowContext(bus, busOptions.clock(), d.port(), List.of());
        try {
            DeviceInfo info = ctx.step("ReadInfo", "read the phone", Duration.ofSeconds(60), () -> InfoReader.read(bus, d));
            return new Read(d, info, null);
        } catch (FlowFailure f) {
            return new Read(d, InfoReader.fromBus(d), f.outcome());
        }
    }

    private void print(PrintWriter out, List<Read> reads) {
        if (json) {
            ArrayNode list = JSON.createArrayNode();
            for (Read r : reads) {
                ObjectNode n = list.addObject();
                for (Map.Entry<InfoField, Object> e : r.info().values().entrySet()) {
                    Object v = e.getValue();
                    if (v instanceof Boolean) {
                        n.put(e.getKey().jsonName(), (Boolean) v);
                    } else if (v instanceof Long) {
                        n.put(e.getKey().jsonName(), (Long) v);
                    } else if (v instanceof Integer) {
                        n.put(e.getKey().jsonName(), (Integer) v);
                    } else {
                        n.put(e.getKey().jsonName(), v.toString());
                    }
                }
                if (!r.info().notes().isEmpty()) {
                    ArrayNode notes = n.putArray("notes");
                    r.info().notes().forEach(notes::add);
                }
                if (r.failure() != null) {
                    n.putObject("error").put("reason", r.failure().reason().name())
                            .put("summary", r.failure().summary()).put("nextStep", r.failure().nextStep());
                }
            }
            out.println(list.toPrettyString());
        } else {
            boolean first = true;
            for (Read r : reads) {
                if (!first) {
                    out.println();
                }
                first = false;
                out.println("Phone on " + r.device().port() + " — " + r.device().personality().name());
                for (Map.Entry<InfoField, Object> e : r.info().values().entrySet()) {
                    if (e.getKey() == InfoField.PORT) {
                        continue;
                    }
                    out.printf("  %-24s %s%n", e.getKey().label(), format(e.getValue()));
                }
                r.info().notes().forEach(n -> out.println("  Note: " + n));
                if (r.failure() != null) {
                    out.println("  Could not read it (" + r.failure().reason() + "): " + r.failure().summary());
                    out.println("  Next step: " + r.failure().nextStep());
                }
            }
        }
        out.flush();
    }

    private static String format(Object v) {
        if (v instanceof Boolean) {
            return ((Boolean) v) ? "yes" : "no";
        }
        return v.toString();
    }
}
