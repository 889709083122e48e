package dev.lumiaagent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lumiaagent.sim.BenchSpec;
import dev.lumiaagent.sim.RemoteSimBus;
import dev.lumiaagent.sim.SimBench;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimServer;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.UsbDevice;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lumia-agent simulate}: a simulated bench in its own process, and plugging phones in and out of it. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Runs simulated phones in their own process, so they outlive the agents that use them.",
        subcommands = {SimulateCommand.Serve.class, SimulateCommand.Attach.class, SimulateCommand.Detach.class,
                SimulateCommand.PressKeys.class, SimulateCommand.Programmer.class, SimulateEdlTtyCommand.class,
                SimulateFirmwareCommand.class, SimulateReplayCommand.class})
final class SimulateCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = {"Serves a simulated bench on a loopback port until stopped (Ctrl-C).",
                    "Agents reach it with --bus sim://127.0.0.1:PORT or $" + BusOptions.ENV_BUS + "."})
    static final class Serve implements Callable<Integer> {
        @ArgGroup(exclusive = true, multiplicity = "0..1")
        Source source = new Source();

        static final class Source {
            @Option(names = "--bench", paramLabel = "FILE", description = "Bench file (JSON) naming ports, models, modes, battery, faults.")
            Path bench;

            @Option(names = "--simulate", paramLabel = "N", description = "A mixed bench of N phones (default 4).")
            Integer count;
        }

        @Option(names = "--listen-port", paramLabel = "PORT", defaultValue = "0",
                description = "Loopback TCP port to listen on (default: any free port, printed).")
        int listenPort;

        @Option(names = "--sim-speed", paramLabel = "X", description = "Simulated time runs X times faster than real time.")
        Double speed;

        @Option(names = "--address-file", paramLabel = "FILE", description = "Also write the sim:// address to FILE (for scripts).")
        Path addressFile;

        @Option(names = "--empty", description = "Start with no phones; plug them in with `simulate attach`.")
        boolean empty;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException, InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            BenchSpec bench = source.bench != null ? BenchSpec.read(source.bench)
                    : BenchSpec.mixed(source.count != null ? source.count : 4);
            AgentClock clock = AgentClock.scaled(speed != null ? BenchSpec.checkClockSpeed(speed, "--sim-speed") : bench.clockSpeed());
            SimBus bus = empty ? new SimBus(clock) : SimBench.start(bench, clock);
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "simulate-serve-stop"));
            try (SimServer server = SimServer.start(bus, listenPort)) {
                if (addressFile != null) {
                    Files.writeString(addressFile, server.uri() + "\n", StandardCharsets.UTF_8);
                }
                out.println("Simulated bench serving on " + server.uri() + " — " + bus.describe());
                for (UsbDevice d : bus.devices()) {
                    out.println("  " + d);
                }
                out.println("Use it with: lumia-agent devices --bus " + server.uri() + "   (Ctrl-C stops the bench)");
                out.flush();
                stop.await();
            } finally {
                bus.close();
            }
            return ExitCode.OK.code();
        }
    }

    @Command(name = "attach", mixinStandardHelpOptions = true,
            description = "Plugs a simulated phone into a served bench.")
    static final class Attach implements Callable<Integer> {
        @Option(names = "--bus", paramLabel = "URI", description = "The bench: sim://HOST:PORT (default $" + BusOptions.ENV_BUS + ").")
        String bus;

        @Option(names = "--port", required = true, paramLabel = "P", description = "USB port path, e.g. 1-5 or 1-2.3.")
        String port;

        @Option(names = "--model", defaultValue = "RM-914", paramLabel = "M", description = "Product type or name, e.g. RM-914, 'Lumia 950' (default RM-914).")
        String model;

        @Option(names = "--mode", defaultValue = "normal", paramLabel = "X",
                description = "normal, label, flash (uefi), bootmgr, phone-info, mass-storage, edl, charging (default normal).")
        String mode;

        @Option(names = "--battery", paramLabel = "PCT", description = "Battery level in percent.")
        Integer battery;

        @Option(names = "--imei", paramLabel = "IMEI", description = "15-digit IMEI (default: derived from the port).")
        String imei;

        @Option(names = "--link", defaultValue = "packet", paramLabel = "KIND", description = "packet (like libusb) or stream (like a tty).")
        String link;

        @Option(names = "--fault", paramLabel = "F", description = "A simulated fault (repeatable): dead-battery, stall, nak-next, hello-consumed, wrong-sector-size, vip-refusal, slow-storage.")
        List<String> faults = new ArrayList<>();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ObjectNode phone = new ObjectMapper().createObjectNode();
            phone.put("port", port).put("model", model).put("mode", mode).put("link", link);
            if (battery != null) {
                phone.put("battery", battery);
            }
            if (imei != null) {
                phone.put("imei", imei);
            }
            ArrayNode f = phone.putArray("faults");
            faults.forEach(f::add);
            UsbDevice d = remote(bus).attach(phone);
            spec.commandLine().getOut().println("attached " + d);
            return ExitCode.OK.code();
        }
    }

    @Command(name = "detach", mixinStandardHelpOptions = true, description = "Unplugs a simulated phone from a served bench.")
    static final class Detach implements Callable<Integer> {
        @Option(names = "--bus", paramLabel = "URI", description = "The bench: sim://HOST:PORT (default $" + BusOptions.ENV_BUS + ").")
        String bus;

        @Option(names = "--port", required = true, paramLabel = "P", description = "USB port path of the phone to unplug.")
        String port;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            remote(bus).detach(port);
            spec.commandLine().getOut().println("detached the phone on " + port);
            return ExitCode.OK.code();
        }
    }

    @Command(name = "press-keys", mixinStandardHelpOptions = true,
            description = "Plays the person at a served phone: holds Volume-Down + Power until it vibrates (a key reset).")
    static final class PressKeys implements Callable<Integer> {
        @Option(names = "--bus", paramLabel = "URI", description = "The bench: sim://HOST:PORT (default $" + BusOptions.ENV_BUS + ").")
        String bus;

        @Option(names = "--port", required = true, paramLabel = "P", description = "USB port path of the phone.")
        String port;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            remote(bus).keyReset(port);
            spec.commandLine().getOut().println("held Volume-Down + Power on the phone on " + port + " until it vibrated");
            return ExitCode.OK.code();
        }
    }

    @Command(name = "programmer", mixinStandardHelpOptions = true,
            description = {"Writes a Firehose programmer (.ede) that a simulated phone of the model accepts: an ELF with a "
                    + "hash segment and a certificate chain whose root is the simulated model's root key.",
                    "Real OEM programmers cannot be made: they are signed with Microsoft/Nokia keys."})
    static final class Programmer implements Callable<Integer> {
        @Option(names = "--model", required = true, paramLabel = "M", description = "Product type or name, e.g. RM-1073.")
        String model;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.ede", description = "Where to write it.")
        Path output;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            dev.lumiaagent.sim.SimModel m = dev.lumiaagent.sim.SimModels.standard().require(model);
            byte[] ede = dev.lumiaagent.image.ede.EdeBuilder.forPlatform(m.platformId()).build();
            Files.write(output, ede);
            spec.commandLine().getOut().println("wrote " + output + " (" + ede.length + " bytes): a programmer for simulated "
                    + m.name() + " (" + m.productType() + "), root-key hash "
                    + dev.lumiaagent.protocol.wire.Bytes.hex(dev.lumiaagent.image.ede.EdeBuilder.simulatedRootKeyHash(m.platformId())));
            return ExitCode.OK.code();
        }
    }

    private static RemoteSimBus remote(String uri) {
        String u = uri != null ? uri : System.getenv(BusOptions.ENV_BUS);
        if (u == null || !u.startsWith("sim://")) {
            throw new IllegalArgumentException("say which served bench: --bus sim://127.0.0.1:PORT (as printed by `lumia-agent simulate serve`)");
        }
        return RemoteSimBus.connect(u);
    }
}
