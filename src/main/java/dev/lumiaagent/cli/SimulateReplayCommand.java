package dev.lumiaagent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code lumia-agent simulate replay FILE.pcap [--port P] [--] COMMAND [ARGS…]}: runs an agent command
 * against the phone of a capture, played back strictly ({@code --bus replay:FILE.pcap@P}), and prints
 * the replay's verdict. The same command as the one captured passes with the same outcome; a host that
 * sends one byte otherwise is stopped there, with the transfer and the byte named.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Plays a --capture file back as a strict phone on the simulated bus and runs an agent command against it: "
                + "the phone presents the captured USB identity and answers each host transfer with the captured ones; the first "
                + "host byte that differs from the capture is named (transfer, byte offset) and the phone stops answering.",
                "Put the agent command after the file (after `--` when it has options), e.g. "
                        + "`lumia-agent simulate replay info.pcap -- info --json`. The same is `--bus replay:FILE.pcap[@PORT]` on any command."})
final class SimulateReplayCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE.pcap", description = "A usbmon pcap written by --capture (or by Wireshark on usbmonN).")
    Path file;

    @Parameters(index = "1..*", paramLabel = "COMMAND", arity = "1..*", description = "The agent command and its options.")
    List<String> command = new ArrayList<>();

    @Option(names = "--port", paramLabel = "P", defaultValue = "1-1", description = "The port the replayed phone is on (default 1-1).")
    String port;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (String a : command) {
            if (a.equals("--bus") || a.startsWith("--bus=") || a.equals("--simulate") || a.equals("--bench") || a.equals("--serial")) {
                throw new IllegalArgumentException("simulate replay chooses the bus itself; leave " + a + " out of the command");
            }
        }
        List<String> args = new ArrayList<>(command);
        args.add("--bus");
        args.add(BusOptions.REPLAY + file + "@" + dev.lumiaagent.transport.PortPath.parse(port));
        return Main.run(args.toArray(String[]::new), out, err);
    }
}
