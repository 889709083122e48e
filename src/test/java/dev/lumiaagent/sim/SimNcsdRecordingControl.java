package dev.lumiaagent.sim;

import dev.lumiaagent.time.AgentClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SimPhoneControl} for firmware tests: it records what the firmware asked of the phone and
 * does nothing else (the real control, which re-enumerates the phone, is built elsewhere). Anything
 * but {@link #reboot} is unexpected for normal-mode firmware and is recorded as such.
 */
public final class SimNcsdRecordingControl implements SimPhoneControl {
    private final SimPhone phone;
    private final AgentClock clock;
    private final BlockingQueue<BootTarget> reboots = new LinkedBlockingQueue<>();
    private final List<BootTarget> rebootLog = new CopyOnWriteArrayList<>();
    private final List<String> unexpected = new CopyOnWriteArrayList<>();

    public SimNcsdRecordingControl(SimPhone phone, AgentClock clock) {
        this.phone = Objects.requireNonNull(phone, "phone");
        this.clock = Objects.requireNonNull(clock, "clock");
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
        rebootLog.add(target);
        reboots.add(target);
    }

    @Override
    public void disableWatchdog() {
        unexpected.add("disableWatchdog");
    }

    @Override
    public void switchApp(SimUefiApp app) {
        unexpected.add("switchApp " + app);
    }

    /** Every reboot asked for so far, in order. */
    public List<BootTarget> reboots() {
        return new ArrayList<>(rebootLog);
    }

    /** Waits (bounded) for the next reboot request; null if none came in time. */
    public BootTarget nextReboot(Duration within) throws InterruptedException {
        return reboots.poll(within.toNanos(), TimeUnit.NANOSECONDS);
    }

    public List<String> unexpected() {
        return List.copyOf(unexpected);
    }
}
