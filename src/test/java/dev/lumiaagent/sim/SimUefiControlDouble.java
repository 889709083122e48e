package dev.lumiaagent.sim;

import dev.lumiaagent.time.AgentClock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A recording {@link SimPhoneControl} for firmware tests: it remembers what the firmware asked for
 * and applies app switches to the phone (so the next NOKV shows them); reboots are only recorded.
 */
public final class SimUefiControlDouble implements SimPhoneControl {
    private final SimPhone phone;
    private final AgentClock clock = AgentClock.scaled(1000);
    private final List<String> calls = new CopyOnWriteArrayList<>();

    public SimUefiControlDouble(SimPhone phone) {
        this.phone = phone;
    }

    @Override
    public SimPhone phone() {
        return phone;
    }

    @Override
    public AgentClock clock() {
        return clock;
    }

    @Override
    public void reboot(BootTarget target) {
        calls.add("reboot " + target);
    }

    @Override
    public void disableWatchdog() {
        calls.add("disableWatchdog");
        phone.watchdogDisabled(true);
    }

    @Override
    public void switchApp(SimUefiApp app) {
        calls.add("switchApp " + app);
        phone.uefiApp(app);
    }

    /** What the firmware asked for, in order, e.g. {@code "reboot OS"}, {@code "switchApp FLASH_APP"}. */
    public List<String> calls() {
        return List.copyOf(calls);
    }
}
