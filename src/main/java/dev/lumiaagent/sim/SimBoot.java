package dev.lumiaagent.sim;

import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.discovery.Mode;
import java.time.Duration;

/**
 * The boot paths of a simulated phone (lumia-protocols.md §5): every restart leaves the bus and
 * comes back through the stages a real phone shows. Toward the OS the phone passes through the boot
 * manager, whose watchdog continues the boot unless the host sends NOKD; a phone whose last FFU
 * flash was interrupted comes up in the flash app instead, again and again.
 */
final class SimBoot implements SimPhoneControl {
    private final SimBus bus;
    private final PortPath port;
    /**
     * The phone this control belongs to: the one on {@link #port} when it was made. A firmware restarts its own
     * phone only: a message it handles after its phone was unplugged (a real bulk OUT completes when the phone
     * has the bytes, not when it has acted on them) must not restart the phone plugged into the port since.
     */
    private final SimPhone phone;
    private final SimTimings t;
    /** Off the bus → the UEFI app of the restart under way (from the OS: per model, nok/107, 108, 110). */
    private Duration uefiArrival;

    SimBoot(SimBus bus, PortPath port, SimTimings timings) {
        this(bus, port, bus.phoneAt(port).orElseThrow(() -> new IllegalStateException("no phone on " + port)), timings);
    }

    SimBoot(SimBus bus, PortPath port, SimPhone phone, SimTimings timings) {
        this.bus = bus;
        this.port = port;
        this.phone = phone;
        this.t = timings;
        this.uefiArrival = timings.uefiArrival();
    }

    @Override
    public SimPhone phone() {
        return phone;
    }

    /** True while this control's phone is still the one on its port (call holding the bus's lock). */
    private boolean onItsPort(String what) {
        if (bus.phoneAt(port).orElse(null) == phone) {
            return true;
        }
        SimLog.LOG.debug("{}: {} ignored: the phone is no longer on {}", phone, what, port);
        return false;
    }

    @Override
    public AgentClock clock() {
        return bus.clock();
    }

    @Override
    public void reboot(BootTarget target) {
        synchronized (bus) {
            if (onItsPort("restart toward " + target)) {
                rebootOnPort(target);
            }
        }
    }

    private void rebootOnPort(BootTarget target) {
        boolean fromOs = phone.mode() != Mode.UEFI;
        // Real phones differ here: a 930 leaves 2.6 s after SetDeviceMode, a 640 LTE 15.5 s (nok/108, nok/110).
        Duration drop = fromOs ? t.dropFromOs(phone.model()) : t.dropFromUefi();
        uefiArrival = fromOs ? t.uefiArrivalFromOs(phone.model()) : t.uefiArrival();
        restartOnPort(target, drop);
    }

    void restart(BootTarget target, Duration drop) {
        synchronized (bus) {
            if (onItsPort("restart toward " + target)) {
                restartOnPort(target, drop);
            }
        }
    }

    private void restartOnPort(BootTarget target, Duration drop) {
        phone.watchdogDisabled(false);
        switch (target) {
            case OS:
            case BOOT_MANAGER:
                if (phone.flashingIncomplete()) {
                    arriveInUefi(SimUefiApp.FLASH_APP, drop);
                } else {
                    arriveInUefi(SimUefiApp.BOOT_MANAGER, drop);
                }
                break;
            case FLASH_APP:
                arriveInUefi(SimUefiApp.FLASH_APP, drop);
                break;
            case PHONE_INFO:
                arriveInUefi(SimUefiApp.PHONE_INFO, drop);
                break;
            case MASS_STORAGE:
                bus.reenumerate(port, Mode.MASS_STORAGE, drop, t.otherArrival());
                break;
            case LABEL:
                bus.reenumerate(port, Mode.LABEL, drop, t.otherArrival());
                break;
            case EDL:
                bus.reenumerate(port, Mode.EDL_PBL, drop, t.otherArrival());
                break;
            case OFF:
                bus.powerOff(port, drop);
                break;
            default:
                throw new IllegalArgumentException("unknown boot target " + target);
        }
    }

    /**
     * A factory reset (reset-procedures.md): the phone leaves the bus after {@code drop}, shows the
     * spinning gears (off the bus) for half of {@code total}, restarts once (it shows up briefly in its
     * boot manager, whose watchdog is not armed: the reset drives the boot), spins again and comes back
     * in normal mode, out of the box, its user data erased. With {@link SimFault#RESET_NEVER_FINISHES}
     * it keeps rebooting into the gears until a key reset or an unplug.
     */
    void factoryReset(Duration total, Duration drop) {
        if (total.isNegative() || total.isZero()) {
            throw new IllegalArgumentException("a factory reset takes some time, not " + total);
        }
        synchronized (bus) {
            if (onItsPort("factory reset")) {
                phone.watchdogDisabled(false);
                phone.factoryResetStarted();
                gears(drop, total.dividedBy(2));
            }
        }
    }

    private void gears(Duration drop, Duration half) {
        bus.reenumerate(port, Mode.UEFI, drop, half, p -> {
            p.uefiApp(SimUefiApp.BOOT_MANAGER);
            p.gearCycle();
        }).thenRun(() -> bus.afterUnlessMoved(port, t.bootManagerWatchdog(), () -> {
            if (phone.has(SimFault.RESET_NEVER_FINISHES)) {
                gears(Duration.ZERO, half);
            } else {
                bus.reenumerate(port, Mode.NORMAL, Duration.ZERO, half, SimPhone::factoryResetFinished);
            }
        })).exceptionally(e -> null); // unplugged or restarted meanwhile: the reset stops here
    }

    private void arriveInUefi(SimUefiApp app, Duration drop) {
        bus.reenumerate(port, Mode.UEFI, drop, uefiArrival, p -> p.uefiApp(app))
                .thenRun(() -> armWatchdog(app))
                .exceptionally(e -> null); // unplugged meanwhile: nothing to arm
    }

    /** Without NOKD the boot manager continues to the OS; the other apps reboot. */
    private void armWatchdog(SimUefiApp app) {
        Duration period = app == SimUefiApp.BOOT_MANAGER ? t.bootManagerWatchdog() : t.appWatchdog();
        bus.afterHostSilence(port, period, () -> {
            if (phone.watchdogDisabled() || phone.mode() != Mode.UEFI || phone.uefiApp() != app) {
                return;
            }
            if (app == SimUefiApp.BOOT_MANAGER) {
                bus.reenumerate(port, Mode.NORMAL, Duration.ZERO, t.osBoot());
            } else {
                uefiArrival = t.uefiArrival();
                restart(BootTarget.OS, t.dropFromUefi());
            }
        });
    }

    @Override
    public Duration firstJsonReply() {
        return t.firstJsonReply(phone.model());
    }

    @Override
    public void disableWatchdog() {
        phone.watchdogDisabled(true);
    }

    @Override
    public void switchApp(SimUefiApp app) {
        if (phone.mode() != Mode.UEFI) {
            throw new IllegalStateException("an app switch needs the phone in UEFI, not " + phone.mode());
        }
        phone.uefiApp(app);
    }
}
