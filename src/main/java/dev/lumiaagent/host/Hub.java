package dev.lumiaagent.host;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One hub as uhubctl 2.5.0 lists it (notes-18 §1.2): the header {@code Current status for hub <location> [<description>]}
 * where the description is {@code vid:pid[ manufacturer][ product][ serial], USB x.yz, N ports, ppps|ganged|nops}
 * (uhubctl.c @v2.5.0 704-711, 690-699), and its port lines.
 *
 * @param location uhubctl's location: {@code 1} for a root hub, {@code 1-2}, {@code 3-1.1} (the Linux sysfs name)
 * @param twin the location of the other half of a USB3 hub (its USB2 or SuperSpeed twin, §1.3), when one was found
 */
public record Hub(String location, String vidPid, String name, String usbVersion, int portCount, Switching switching,
                  List<HubPort> ports, Optional<String> twin) {

    public Hub {
        ports = List.copyOf(ports);
        twin = twin == null ? Optional.empty() : twin;
    }

    /** wHubCharacteristics bits 0-1 as uhubctl prints them (uhubctl.c @v2.5.0 168-171). */
    public enum Switching {
        /** per-port power switching: the only kind uhubctl switches without {@code -f} */
        PPPS,
        /** all ports switched together */
        GANGED,
        /** no power switching */
        NOPS;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A USB3 (SuperSpeed) hub: bcdUSB 3.00 or more. */
    public boolean superSpeed() {
        return usbVersion.startsWith("3");
    }

    public boolean canSwitchPorts() {
        return switching == Switching.PPPS;
    }

    public Optional<HubPort> port(int number) {
        return ports.stream().filter(p -> p.number() == number).findFirst();
    }

    Hub withTwin(String other) {
        return new Hub(location, vidPid, name, usbVersion, portCount, switching, ports, Optional.of(other));
    }

    /** The header's description, as uhubctl prints it. */
    public String description() {
        return vidPid + (name.isEmpty() ? "" : " " + name) + ", USB " + usbVersion + ", " + portCount + " ports, " + switching.word();
    }
}
