package dev.lumiaagent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lumiaagent.exec.Exec;
import dev.lumiaagent.firmware.FirmwareLibrary;
import dev.lumiaagent.host.Doctor;
import dev.lumiaagent.host.Finding;
import dev.lumiaagent.host.HostOs;
import dev.lumiaagent.host.Severity;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStoreException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lumia-agent doctor}: checks this host and names what to fix, one line per finding. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Checks this host for what the agent needs and prints one line per finding, each with the command "
                + "that fixes it: libusb, the udev rules, who may open the phones (plugdev or a local seat), qcserial on a "
                + "9008 phone, ModemManager, usbmon for --capture, uhubctl for port power, disk space for the firmware "
                + "library and the record store. On Windows: the WinUSB and Qualcomm COM drivers of connected phones "
                + "(pnputil). Changes nothing; `lumia-agent setup` installs what is missing."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:everything is fine (or only information)", "10:warnings: the agent works, but read them",
                "11:problems: the agent cannot work here until they are fixed"})
final class DoctorCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON document (findings with check, severity, message and fix) for scripts.")
    boolean json;

    @Option(names = "--firmware-dir", paramLabel = "DIR", description = "The firmware library whose disk is checked "
            + "(default $LUMIA_AGENT_FIRMWARE or the user's data directory).")
    Path firmwareDir;

    @Option(names = "--min-free", paramLabel = "GIB", defaultValue = "8",
            description = "Warn when the firmware library's disk has less than this many GiB free (default ${DEFAULT-VALUE}; FFUs are 1-2 GiB each).")
    long minFreeGib;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/", hidden = true,
            description = "For testing: read /sys, /etc, /proc and /dev under DIR.")
    Path root;

    @Option(names = "--os", paramLabel = "OS", hidden = true, description = "For testing: check as on linux, windows or macos.")
    String os;

    @Mixin
    StoreOptions store;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (minFreeGib < 0 || minFreeGib > 1_000_000) {
            throw new IllegalArgumentException("--min-free must be between 0 and 1000000 GiB, not " + minFreeGib);
        }
        HostOs hostOs = os == null ? HostOs.current() : HostOs.fromOsName(os);
        Doctor doctor = new Doctor(new Doctor.Settings(root, hostOs, Exec.system(), System.getenv(), System.getProperty("user.name"),
                firmwareDir != null ? firmwareDir : FirmwareLibrary.defaultRoot(), minFreeGib << 30,
                Doctor::libusbThroughTheAgent, this::storeCheck));
        List<Finding> findings = doctor.run();
        Severity worst = Doctor.worst(findings);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(json(findings, worst, hostOs));
        } else {
            findings.forEach(f -> out.println(f.line()));
            long problems = findings.stream().filter(f -> f.severity() == Severity.PROBLEM).count();
            long warnings = findings.stream().filter(f -> f.severity() == Severity.WARNING).count();
            out.println(problems == 0 && warnings == 0 ? "doctor: nothing to fix"
                    : "doctor: " + problems + (problems == 1 ? " problem, " : " problems, ") + warnings
                    + (warnings == 1 ? " warning" : " warnings"));
        }
        out.flush();
        return exitCode(worst).code();
    }

    static ExitCode exitCode(Severity worst) {
        if (worst == Severity.PROBLEM) {
            return ExitCode.PROBLEMS;
        }
        return worst == Severity.WARNING ? ExitCode.WARNINGS : ExitCode.OK;
    }

    /** Opens and closes the store exactly as the other commands open it. */
    private Finding storeCheck() {
        try (RecordStore s = store.open()) {
            return Finding.ok("store", "the record store opens: " + s.describe());
        } catch (RecordStoreException e) {
            return Finding.problem("store", "the record store cannot be opened: " + e.getMessage(), e.nextStep());
        } catch (IllegalArgumentException e) {
            return Finding.problem("store", e.getMessage(), "give --store jdbc:sqlite:PATH or jdbc:postgresql://HOST/DB, or unset $"
                    + StoreOptions.ENV_STORE);
        }
    }

    private static String json(List<Finding> findings, Severity worst, HostOs os) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("os", os.name().toLowerCase(Locale.ROOT));
        root.put("worst", worst.name());
        root.put("exitCode", exitCode(worst).code());
        ArrayNode list = root.putArray("findings");
        for (Finding f : findings) {
            list.addObject().put("check", f.check()).put("severity", f.severity().name()).put("message", f.message()).put("fix", f.fix());
        }
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("findings are plain strings", e);
        }
    }
}
