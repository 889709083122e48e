package dev.lumiaagent.cli;

import dev.lumiaagent.sim.SimFault;
import dev.lumiaagent.sim.SimModel;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimTtyBridge;
import dev.lumiaagent.sim.SocatPtyPair;
import dev.lumiaagent.time.AgentClock;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
        if (!SocatPtyPair.available()) {
            err.println("error: " + SocatPtyPair.unavailableReason() + ".");
            err.println("next step: install socat (apt-get install socat, brew install socat) and run again.");
            err.flush();
            return ExitCode.FAILED.code();
        }
        SocatPtyPair pair = SocatPtyPair.start(SOCAT_START);
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch cleanedUp = new CountDownLatch(1);
        // On Ctrl-C / SIGTERM: tell the serving loop to stop, and hold the JVM a bounded time so the
        // finally below closes the bridge and ends socat (no socat is left behind).
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                if (!cleanedUp.await(5, TimeUnit.SECONDS)) {
                    pair.kill();
                }
            } catch (InterruptedException e) {
                pair.kill();
            }
        }, "simulate-edl-tty-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        SimTtyBridge bridge = null;
        try {
            bridge = SimTtyBridge.start(pair, m, f, AgentClock.system(), SOCAT_START);
            String agentSide = pair.right().toString();
            out.println("Simulated " + m.name() + " (" + m.productType() + ") in 9008 on " + agentSide
                    + " — connect with --serial " + agentSide);
            out.println("(Ctrl-C stops it; the phone leaves the tty when it reboots out of 9008, as a real one does)");
            out.flush();
            while (!stop.await(200, TimeUnit.MILLISECONDS)) {
                if (bridge.phoneLeft()) {
                    // As a real 9008 phone's ttyUSB does when it resets: the bridge removed the pty pair.
                    out.println("The simulated phone left 9008 (it rebooted); its tty " + agentSide + " is gone.");
                    out.flush();
                    return ExitCode.OK.code();
                }
                if (!pair.isAlive()) {
                    err.println("error: socat ended; the pty pair is gone.");
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
            pair.close();
            cleanedUp.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already stopping (Ctrl-C): the hook is running and now returns
            }
        }
    }
}
