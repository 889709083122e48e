package dev.lumiaagent.cli;

import dev.lumiaagent.sim.SimFault;
import dev.lumiaagent.sim.SimModel;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimTtyBridge;
import dev.lumiaagent.time.AgentClock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code lumia-agent simulate edl-tty}: one simulated phone in Qualcomm 9008 behind a pseudo-terminal,
 * reached by agents with {@code --serial PATH} through the real serial transport. Starts
 * {@code socat -d -d pty,raw,echo=0 pty,raw,echo=0}, serves the phone on one pty with
 * {@link SimTtyBridge} and prints the other; runs until Ctrl-C, or until socat or the bridge stops.
 */
@Command(name = "edl-tty", mixinStandardHelpOptions = true,
        description = {"Serves one simulated phone in Qualcomm 9008 (Sahara, then Firehose) on a pseudo-terminal until stopped (Ctrl-C).",
                "Agents reach it with --serial PATH. Needs socat (apt-get install socat)."})
final class SimulateEdlTtyCommand implements Callable<Integer> {
    private static final Pattern PTY_LINE = Pattern.compile("PTY is (/dev/\\S+)");
    private static final Duration SOCAT_START = Duration.ofSeconds(5);

    @Option(names = "--model", defaultValue = "RM-1073", paramLabel = "M",
            description = "Product type or name, e.g. RM-1073, 'Lumia 950' (default RM-1073).")
    String model;

    @Option(names = "--fault", paramLabel = "F",
            description = "A simulated fault (repeatable): stall, nak-next, wrong-sector-size, vip-refusal, slow-storage, hello-consumed.")
    List<String> faults = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SimModel m = SimModels.standard().require(model);
        Set<SimFault> f = EnumSet.noneOf(SimFault.class);
        for (String key : faults) {
            f.add(SimFault.parse(key));
        }
        if (f.contains(SimFault.DEAD_BATTERY)) {
            throw new IllegalArgumentException("dead-battery starts a phone in emergency charging, not 9008; it cannot be served on a tty");
        }
        Process socat;
        try {
            socat = new ProcessBuilder("socat", "-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            err.println("error: socat is missing or cannot be started (" + e.getMessage() + ").");
            err.println("next step: install it (apt-get install socat, brew install socat) and run again.");
            err.flush();
            return ExitCode.FAILED.code();
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch cleanedUp = new CountDownLatch(1);
        // On Ctrl-C / SIGTERM: tell the serving loop to stop, and hold the JVM a bounded time so the
        // finally below closes the bridge and ends socat (no socat is left behind).
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                if (!cleanedUp.await(5, TimeUnit.SECONDS)) {
                    socat.destroyForcibly();
                }
            } catch (InterruptedException e) {
                socat.destroyForcibly();
            }
        }, "simulate-edl-tty-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        SimTtyBridge bridge = null;
        try {
            List<String> ptys = awaitPtys(socat);
            bridge = SimTtyBridge.start(ptys.get(0), m, f, AgentClock.system(), SOCAT_START);
            String agentSide = ptys.get(1);
            out.println("Simulated " + m.name() + " (" + m.productType() + ") in 9008 on " + agentSide
                    + " — connect with --serial " + agentSide);
            out.println("(Ctrl-C stops it; the phone leaves the tty when it reboots out of 9008, as a real one does)");
            out.flush();
            while (!stop.await(200, TimeUnit.MILLISECONDS)) {
                if (!socat.isAlive()) {
                    err.println("error: socat ended (exit " + socat.exitValue() + "); the pty pair is gone.");
                    err.flush();
                    return ExitCode.FAILED.code();
                }
                if (!bridge.isRunning()) {
                    err.println("error: the simulated phone stopped: " + bridge.failure().orElse("unknown reason"));
                    err.flush();
                    return ExitCode.FAILED.code();
                }
            }
            return ExitCode.OK.code();
        } finally {
            if (bridge != null) {
                bridge.close();
            }
            destroy(socat);
            cleanedUp.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already stopping (Ctrl-C): the hook is running and now returns
            }
        }
    }

    /** The two pty paths socat reports, once it is relaying; bounded by {@link #SOCAT_START}. */
    private static List<String> awaitPtys(Process socat) throws IOException, InterruptedException {
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Thread drain = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(socat.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    log.add(line);
                    lines.add(line);
                }
            } catch (IOException ended) {
                // socat ended; nothing more to read
            }
        }, "socat-stderr");
        drain.setDaemon(true); // drains for socat's whole life, so it never blocks on a full pipe
        drain.start();
        List<String> ptys = new ArrayList<>();
        boolean relaying = false;
        long deadline = System.nanoTime() + SOCAT_START.toNanos();
        while (ptys.size() < 2 || !relaying) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (ptys.size() == 2) {
                    break; // both ptys are there; socat did not say it is relaying, go on anyway
                }
                throw new IOException("socat did not report two ptys within " + SOCAT_START.toSeconds() + " s: " + log);
            }
            String line = lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
            if (line == null) {
                if (!socat.isAlive()) {
                    throw new IOException("socat exited with " + socat.exitValue() + " before reporting its ptys: " + log);
                }
                continue;
            }
            Matcher mt = PTY_LINE.matcher(line);
            if (mt.find()) {
                ptys.add(mt.group(1));
            }
            if (line.contains("starting data transfer loop")) {
                relaying = true;
            }
        }
        return ptys;
    }

    private static void destroy(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }
}
