package dev.lumiaagent.cli;

import dev.lumiaagent.sim.BenchSpec;
import dev.lumiaagent.sim.RemoteSimBus;
import dev.lumiaagent.sim.SimBench;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.transport.capture.CaptureBus;
import dev.lumiaagent.transport.capture.UsbmonCapture;
import dev.lumiaagent.transport.capture.UsbmonPcapWriter;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.serial.SerialPathBus;
import dev.lumiaagent.sim.ReplayBus;
import dev.lumiaagent.transport.PortPath;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Which bus a command works on: the real USB bus (default), an in-process simulated bench
 * ({@code --simulate N} or {@code --bench FILE}), or a simulator served by another process
 * ({@code --bus sim://127.0.0.1:PORT}, or the {@code LUMIA_AGENT_BUS} environment variable), or one 9008
 * phone on a named serial port ({@code --serial PATH}).
 */
public final class BusOptions {
    static final String ENV_BUS = "LUMIA_AGENT_BUS";

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Source source = new Source();

    @Option(names = "--capture", paramLabel = "FILE.pcap",
            description = "Write every USB transfer of this run to FILE.pcap as a Linux usbmon capture (pcap link type 220) "
                    + "that Wireshark and tshark open; `lumia-agent simulate replay FILE.pcap` plays it back as a phone. "
                    + "Transfers longer than 256 KiB keep their first 256 KiB (their lengths stay true).")
    Path capture;

    @Option(names = "--sim-speed", paramLabel = "X",
            description = "Simulated time runs X times faster than real time (default: the bench's own, 60).")
    Double simSpeed;

    static final class Source {
        @Option(names = "--simulate", paramLabel = "N",
                description = "Use an in-process simulated bench of N phones in mixed models and modes.")
        Integer simulate;

        @Option(names = "--bench", paramLabel = "FILE",
                description = "Use an in-process simulated bench described by a JSON bench file.")
        Path bench;

        @Option(names = "--bus", paramLabel = "URI",
                description = "usb (default), sim://HOST:PORT for a bench served by `lumia-agent simulate serve`, or "
                        + "replay:FILE.pcap[@PORT] for the phone of a --capture file, played back strictly. "
                        + "Default from $" + ENV_BUS + ".")
        String bus;

        @Option(names = "--serial", paramLabel = "PATH",
                description = "One phone in Qualcomm 9008 on this serial port (/dev/ttyUSB0, COM5, or the pty printed by "
                        + "`lumia-agent simulate edl-tty`), at port 0-1. A tty cannot show the phone after it leaves 9008.")
        String serial;
    }

    /**
     * Opens the chosen bus, captured into {@code --capture FILE.pcap} when given (a capture that cannot be
     * written says so once and the command runs uncaptured). Throws {@link IllegalArgumentException} for a
     * bad spec (exit code USAGE).
     */
    public Bus open() {
        Bus bus = openSource();
        if (capture == null) {
            return bus;
        }
        return new CaptureBus(bus, UsbmonCapture.open(capture, java.time.Clock.systemUTC(), UsbmonPcapWriter.DEFAULT_SNAPLEN));
    }

    /**
     * As {@link #open()}, under a {@link TracingBus}: a single-phone job traces its phone's transfers into its
     * own {@code ID.trace} (and logs into {@code ID.log}), as a bench job does, for `lumia-agent diag`.
     */
    public dev.lumiaagent.transport.TracingBus openTraced() {
        return new dev.lumiaagent.transport.TracingBus(open());
    }

    /** The in-process simulated bench under {@code bus} (also under a capture or a trace), or null on real and remote buses. */
    static SimBus simulated(Bus bus) {
        return under(bus, SimBus.class);
    }

    /** The bus of type {@code type} under any decorators (trace, capture) of {@code bus}, or null. */
    static <B extends Bus> B under(Bus bus, Class<B> type) {
        Bus b = bus;
        while (!type.isInstance(b) && b instanceof dev.lumiaagent.transport.ForwardingBus) {
            b = ((dev.lumiaagent.transport.ForwardingBus) b).inner();
        }
        return type.isInstance(b) ? type.cast(b) : null;
    }

    private Bus openSource() {
        if (source.simulate != null) {
            return startBench(BenchSpec.mixed(source.simulate));
        }
        if (source.bench != null) {
            return startBench(BenchSpec.read(source.bench));
        }
        if (source.serial != null) {
            return new SerialPathBus(source.serial);
        }
        String uri = source.bus != null ? source.bus : System.getenv(ENV_BUS);
        if (uri == null || uri.isBlank() || uri.equals("usb")) {
            return SystemBus.open();
        }
        if (uri.startsWith("sim://")) {
            return RemoteSimBus.connect(uri);
        }
        if (uri.startsWith(REPLAY)) {
            return openReplay(uri.substring(REPLAY.length()));
        }
        throw new IllegalArgumentException("unknown bus '" + uri + "': use usb, sim://HOST:PORT or replay:FILE.pcap[@PORT]");
    }

    /**
     * The clock flows wait on: the simulated bench's own when phones are simulated in this process
     * (so a 5-minute bound passes at the bench's pace), else real time.
     */
    public AgentClock clock() {
        return clock != null ? clock : AgentClock.system();
    }

    private AgentClock clock;

    /** True when the phones are simulated in this process (commands say so in their output). */
    public boolean inProcessSimulation() {
        return source.simulate != null || source.bench != null;
    }

    /**
     * {@code replay:FILE.pcap[@PORT]}: the phone of a capture, strict (sim.ReplayBus), on PORT (default 1-1).
     * The last {@code @} starts the port only when what follows is a port path, so a path with an {@code @}
     * still works. Each violation is printed on the command's stderr as it happens, and a last line says how
     * much of the capture was played.
     */
    private Bus openReplay(String spec) {
        String file = spec;
        PortPath port = PortPath.parse("1-1");
        int at = spec.lastIndexOf('@');
        if (at > 0) {
            try {
                port = PortPath.parse(spec.substring(at + 1));
                file = spec.substring(0, at);
            } catch (RuntimeException notAPort) {
                // part of the file name
            }
        }
        if (file.isEmpty()) {
            throw new IllegalArgumentException("replay: needs a capture file: --bus replay:FILE.pcap[@PORT]");
        }
        PrintWriter err = mixee != null ? mixee.commandLine().getErr() : new PrintWriter(System.err, true);
        ReplayBus replay = ReplayBus.open(Path.of(file), port, v -> {
            synchronized (err) {
                err.println("replay: violation: " + v);
                err.flush();
            }
        });
        return new dev.lumiaagent.transport.ForwardingBus(replay) {
            @Override
            public void close() {
                super.close();
                synchronized (err) {
                    err.println("replay: " + (replay.violations().isEmpty() ? "no violation; " : "stopped at the violation; ")
                            + replay.progress());
                    err.flush();
                }
            }
        };
    }

    static final String REPLAY = "replay:";

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private Bus startBench(BenchSpec spec) {
        double speed = simSpeed != null ? BenchSpec.checkClockSpeed(simSpeed, "--sim-speed") : spec.clockSpeed();
        clock = AgentClock.scaled(speed);
        return SimBench.start(spec, clock);
    }
}
