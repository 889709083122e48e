package dev.lumiaagent.bench;

import dev.lumiaagent.flow.FlowContext;
import dev.lumiaagent.flow.FlowListener;
import dev.lumiaagent.flow.FlowRunner;
import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.flow.ReflashFlow;
import dev.lumiaagent.flow.gate.Consent;
import dev.lumiaagent.image.ffu.FfuBuilder;
import dev.lumiaagent.image.ffu.FfuFile;
import dev.lumiaagent.sim.LinkKind;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimFault;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimPhone;
import dev.lumiaagent.sim.SimTimings;
import dev.lumiaagent.sim.SimUefiApp;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * The host side of a reflash, measured: a 1 GiB FFU (every block non-zero) written through the real
 * flow, session and codecs to a simulated Lumia 950 in its flash app (protocol v2, 2.25 MiB
 * messages) whose write limit is off and whose eMMC discards what it gets (it still checks every
 * block's SHA-256, as the phone does). Prints the WriteChunks throughput and the peak heap.
 * Not a test: run it by hand, with a small heap to prove the memory bound:
 * {@code mvn -B -P bench test-compile exec:exec -Dbench.heap=64m -Dbench.main=dev.lumiaagent.bench.ReflashBench -Dbench.args="1024 /tmp [--phone-skips-hashes]"}
 */
public final class ReflashBench {
    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        Path dir = Path.of(args.length > 1 ? args[1] : System.getProperty("java.io.tmpdir"));
        Path ffu = dir.resolve("lumia-agent-reflash-bench-" + mib + "m.ffu");
        String platform = SimModels.standard().require("RM-1104").platformId();
        if (!Files.exists(ffu)) {
            try (FileChannel out = FileChannel.open(ffu, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                new FfuBuilder().platformId(platform).build(new ImageVerifyBench.FullDisk(mib << 20), out);
            }
        }
        SimBus bus = new SimBus(AgentClock.scaled(1000));
        Duration d = Duration.ofMillis(10);
        bus.timings(new SimTimings(d, d, d, d, Duration.ofMinutes(10), d, d));
        SimPhone phone = new SimPhone(SimModels.standard().require("RM-1104"), "356938035643809", "B", Mode.UEFI, 90,
                LinkKind.PACKET, EnumSet.noneOf(SimFault.class));
        phone.uefiApp(SimUefiApp.FLASH_APP);
        phone.writeLimitEnforced(false);
        phone.storeWrites(false);
        boolean phoneHashes = args.length <= 2 || !args[2].equals("--phone-skips-hashes");
        phone.verifyBlocks(phoneHashes);
        UsbDevice dev = bus.attach(PortPath.parse("1-1"), phone);
        long[] write = new long[2];
        long[] verify = new long[2];
        FlowListener timer = new FlowListener() {
            @Override
            public void stepStarted(PortPath port, String step, String description, Duration bound) {
                if (step.equals(ReflashFlow.WRITE_CHUNKS)) {
                    write[0] = System.nanoTime();
                } else if (step.equals(ReflashFlow.VERIFY_FFU)) {
                    verify[0] = System.nanoTime();
                }
            }

            @Override
            public void stepFinished(PortPath port, String step, boolean ok, String detail) {
                if (step.equals(ReflashFlow.WRITE_CHUNKS)) {
                    write[1] = System.nanoTime();
                } else if (step.equals(ReflashFlow.VERIFY_FFU)) {
                    verify[1] = System.nanoTime();
                }
            }
        };
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        Outcome o;
        try (FfuFile file = FfuFile.open(ffu)) {
            FlowContext ctx = new FlowContext(bus, bus.clock(), dev.port(), List.of(timer));
            o = FlowRunner.run(new ReflashFlow(dev, file, ffu.getFileName().toString(), Consent.given("bench"),
                    ReflashFlow.Bounds.standard()), ctx);
        }
        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peakHeap += pool.getPeakUsage().getUsed();
            }
        }
        double seconds = (write[1] - write[0]) / 1e9;
        long bytes = Files.size(ffu);
        System.out.printf("outcome: %s%n", o);
        System.out.printf("simulated phone checks each block's SHA-256: %s%n", phoneHashes);
        double verifySeconds = (verify[1] - verify[0]) / 1e9;
        System.out.printf("VerifyFfu (the agent hashes the whole file, before any message): %.2f s = %.0f MB/s%n", verifySeconds,
                bytes / 1e6 / verifySeconds);
        System.out.printf("WriteChunks: %.2f s for %d MiB of file = %.0f MB/s%n", seconds, bytes >> 20, bytes / 1e6 / seconds);
        System.out.printf("peak heap (sum of heap pools' peaks): %.1f MiB, -Xmx %d MiB%n", peakHeap / 1048576.0,
                Runtime.getRuntime().maxMemory() >> 20);
        bus.close();
    }

    private ReflashBench() {
    }
}
