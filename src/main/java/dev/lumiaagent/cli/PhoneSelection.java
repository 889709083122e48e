package dev.lumiaagent.cli;

import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --port P}: which phone a command is for; without it, the only phone on the bus. */
final class PhoneSelection {
    @Option(names = "--port", paramLabel = "P", description = "USB port path of the phone, e.g. 1-2.3 (see `lumia-agent devices`).")
    String port;

    Optional<PortPath> port() {
        return port == null ? Optional.empty() : Optional.of(PortPath.parse(port));
    }

    /** The phone on --port (maybe absent), or the only phone; throws {@link NoSinglePhone} otherwise. */
    Optional<UsbDevice> select(Bus bus) {
        List<UsbDevice> all = bus.devices();
        if (port != null) {
            PortPath p = PortPath.parse(port);
            return all.stream().filter(d -> d.port().equals(p)).findFirst();
        }
        if (all.size() == 1) {
            return Optional.of(all.get(0));
        }
        if (all.isEmpty()) {
            throw new NoSinglePhone(ExitCode.NO_PHONE, "No phone attached (" + bus.describe() + ").",
                    "Plug the phone in, or name the port it will appear on with --port.");
        }
        throw new NoSinglePhone(ExitCode.USAGE, "There are " + all.size() + " phones attached ("
                + String.join(", ", all.stream().map(d -> d.port().toString()).toList()) + ").",
                "Say which one with --port P.");
    }

    /** Not exactly one phone to act on. */
    static final class NoSinglePhone extends RuntimeException {
        final ExitCode code;
        final String nextStep;

        NoSinglePhone(ExitCode code, String message, String nextStep) {
            super(message);
            this.code = code;
            this.nextStep = nextStep;
        }
    }
}
