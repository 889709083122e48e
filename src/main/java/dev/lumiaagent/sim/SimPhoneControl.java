package dev.lumiaagent.sim;

import dev.lumiaagent.time.AgentClock;

/**
 * What a simulated phone's firmware may do to the phone itself: restart it toward a target (which
 * re-enumerates it on the bus with the timings of lumia-protocols.md §5), stop the UEFI watchdog,
 * switch UEFI apps without re-enumerating. Given to each {@link SimFirmware} by the bus.
 */
public interface SimPhoneControl {

    SimPhone phone();

    AgentClock clock();

    /**
     * The phone leaves the bus shortly and comes back toward {@code target}, through the stages a
     * real phone shows. Safe to call from the phone's firmware thread; returns at once.
     */
    void reboot(BootTarget target);

    /** {@code NOKD}: the running UEFI app no longer times out. */
    void disableWatchdog();

    /** {@code NOKXCB F/P/B}: a v2 context switch to another UEFI app, without re-enumeration. */
    void switchApp(SimUefiApp app);

    /**
     * How long the phone takes to give its first JSON-RPC reply after arriving in normal mode: 4-149 ms
     * on real phones (traces/ncsd/001-005). Zero unless the bus's timings say otherwise.
     */
    default java.time.Duration firstJsonReply() {
        return java.time.Duration.ZERO;
    }
}
