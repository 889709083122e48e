package dev.lumiaagent.host;

import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.PortPower;
import java.util.Optional;

/**
 * The host USB bus's port power, through uhubctl (issue 18). It lives here, among the host's tools, and the cli wires it
 * onto the real bus (SystemBus): transport stays free of programs and their install/permission remedies, which this
 * package shares with {@code doctor} and {@code setup}.
 */
public final class UhubctlPortPower implements PortPower {
    private final Uhubctl uhubctl;

    public UhubctlPortPower(Uhubctl uhubctl) {
        this.uhubctl = uhubctl;
    }

    @Override
    public Capability capability(PortPath port) {
        Uhubctl.Location at = Uhubctl.locationOf(port);
        Uhubctl.Listing l = uhubctl.list(at.hub(), false);
        switch (l.outcome()) {
            case MISSING:
                return Capability.no("uhubctl is not installed (" + Uhubctl.INSTALL + ")");
            case PERMISSION:
                return Capability.no(Uhubctl.permissionDetail() + "; run `lumia-agent setup` or run as root");
            case NONE:
                return Capability.no(uhubctl.whyNotSwitchable(at.hub()));
            case LISTED:
                break;
            default:
                return Capability.no("uhubctl failed: " + l.detail());
        }
        Optional<Hub> hub = l.hub(at.hub());
        if (hub.isEmpty()) {
            return Capability.no("there is no hub at " + at.hub() + " that uhubctl can switch");
        }
        if (!hub.get().canSwitchPorts()) {
            return Capability.no("hub " + at.hub() + " cannot switch its ports' power (" + hub.get().switching().word() + ")");
        }
        if (at.port() > hub.get().portCount()) {
            return Capability.no("hub " + at.hub() + " has " + hub.get().portCount() + " ports, no port " + at.port());
        }
        return Capability.yes("uhubctl -l " + at.hub() + " -p " + at.port() + " (" + hub.get().description() + ")");
    }

    @Override
    public CycleResult cycle(PortPath port) {
        return uhubctl.cycle(port);
    }
}
