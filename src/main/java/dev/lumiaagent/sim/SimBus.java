package dev.lumiaagent.sim;

import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.time.Deadline;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.BusEvent;
import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.LinkOptions;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.TransportFailure;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import dev.lumiaagent.transport.discovery.WireProtocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The simulated USB bus: phones attach and detach on named ports and re-enumerate with a new
 * identity when they change mode, on the injected clock. Events are delivered in order on one bus
 * thread, as a real hotplug thread would, each to the listeners in the order they subscribed.
 */
public final class SimBus implements Bus {
    private final AgentClock clock;
    private final Map<PortPath, Slot> slots = new TreeMap<>();
    private final List<Consumer<BusEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService events;
    private final ScheduledExecutorService timers;
    private final FirmwareProvider firmware;
    private int streamChunk = 4096;
    private volatile SimTimings timings = SimTimings.standard();
    private volatile Duration factoryResetTime = Duration.ofMinutes(12);
    private volatile boolean closed;

    /** Chooses the phone-side protocol peer for a phone in its current mode. */
    public interface FirmwareProvider {
        SimFirmware firmwareFor(SimPhone phone, SimBus bus, PortPath port);
    }

    /** A phone plugged into a port: on the bus (enumerated) or between two enumerations. */
    private static final class Slot {
        final SimPhone phone;
        UsbDevice enumerated;
        final List<SimChannel> channels = new ArrayList<>();
        long generation;
        /** The arrival the gone-until-power-cycle fault refused (the phone is in its new mode, its port wedged): a cycle makes it. */
        Runnable refusedArrival;

        Slot(SimPhone phone) {
            this.phone = phone;
        }
    }

    public SimBus(AgentClock clock) {
        this(clock, SimFirmwares.STANDARD);
    }

    public SimBus(AgentClock clock, FirmwareProvider firmware) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.firmware = Objects.requireNonNull(firmware, "firmware");
        this.events = Executors.newSingleThreadExecutor(r -> daemon(r, "sim-bus-events"));
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "sim-bus-timers"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public AgentClock clock() {
        return clock;
    }

    /** Bytes per read on stream links (1 splits every message into single bytes). */
    public void streamChunk(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("stream chunk must be at least 1 byte");
        }
        this.streamChunk = bytes;
    }

    /** Plugs a phone into a free port; it enumerates at once. */
    public synchronized UsbDevice attach(PortPath port, SimPhone phone) {
        ensureOpen();
        if (slots.containsKey(port)) {
            throw new IllegalStateException("port " + port + " already has a phone: " + slots.get(port).phone);
        }
        Slot slot = new Slot(phone);
        slots.put(port, slot);
        return enumerate(port, slot);
    }

    /** Unplugs the phone on a port; open links to it fail with {@link DeviceGone}. */
    public synchronized Optional<SimPhone> detach(PortPath port) {
        Slot slot = slots.remove(port);
        if (slot == null) {
            return Optional.empty();
        }
        slot.generation++;
        drop(port, slot, "the phone on " + port + " was unplugged");
        return Optional.of(slot.phone);
    }

    /**
     * The phone on {@code port} reboots into {@code next}: it leaves the bus after {@code dropAfter}
     * and enumerates in the new mode {@code arriveAfter} later (both on the bus clock). The future
     * completes with the new identity, or exceptionally if the phone was unplugged meanwhile.
     */
    public synchronized CompletableFuture<UsbDevice> reenumerate(PortPath port, Mode next, Duration dropAfter,
                                                                  Duration arriveAfter) {
        return reenumerate(port, next, dropAfter, arriveAfter, phone -> { });
    }

    /**
     * As {@link #reenumerate(PortPath, Mode, Duration, Duration)}, with {@code onArrive} run on the
     * phone just before it enumerates again (to set the UEFI app it comes up in, say).
     */
    public synchronized CompletableFuture<UsbDevice> reenumerate(PortPath port, Mode next, Duration dropAfter,
                                                                  Duration arriveAfter, Consumer<SimPhone> onArrive) {
        Slot slot = requireSlot(port);
        long generation = ++slot.generation;
        CompletableFuture<UsbDevice> done = new CompletableFuture<>();
        timers.schedule(() -> {
            synchronized (SimBus.this) {
                if (slots.get(port) != slot || slot.generation != generation) {
                    done.completeExceptionally(new IllegalStateException("phone on " + port + " was unplugged"));
                    return;
                }
                drop(port, slot, "the phone on " + port + " rebooted");
                slot.phone.mode(next);
                arriveAfter(port, slot, generation, arriveAfter, onArrive, done);
            }
        }, clock.toReal(dropAfter).toNanos(), TimeUnit.NANOSECONDS);
        return done;
    }

    /**
     * The battery of the phone on {@code port} runs flat now: it drops off the bus and comes back as Qualcomm
     * emergency charging (05C6:F006), re-enumerating while it charges, as a phone attached with a dead battery.
     */
    public synchronized CompletableFuture<UsbDevice> batteryDies(PortPath port) {
        SimPhone phone = requireSlot(port).phone;
        phone.batteryDied();
        return restartNow(port, Mode.EMERGENCY_CHARGING, CHARGING_GAP, p -> { });
    }

    /**
     * The phone on {@code port} drops off the bus now (before this returns: whatever its firmware was about to do
     * is cancelled) and enumerates in {@code next} after {@code arriveAfter} on the bus clock. Tests use it to put a
     * phone into a mode at an exact point of a flow; {@link #reenumerate} drops it on the bus thread instead.
     */
    public synchronized CompletableFuture<UsbDevice> restartNow(PortPath port, Mode next, Duration arriveAfter, Consumer<SimPhone> onArrive) {
        Slot slot = requireSlot(port);
        long generation = ++slot.generation;
        drop(port, slot, "the phone on " + port + " restarted");
        slot.phone.mode(next);
        return arriveAfter(port, slot, generation, arriveAfter, onArrive, new CompletableFuture<>());
    }

    /**
     * The phone in {@code slot} enumerates again after {@code delay} on the bus clock ({@code onArrive} run on it
     * first), unless meanwhile it was unplugged or sent elsewhere ({@code generation} moved on) or the bench closed;
     * {@code done} completes with its new identity, or exceptionally when it did not arrive. Returns {@code done}.
     */
    private CompletableFuture<UsbDevice> arriveAfter(PortPath port, Slot slot, long generation, Duration delay,
                                                     Consumer<SimPhone> onArrive, CompletableFuture<UsbDevice> done) {
        timers.schedule(() -> {
            synchronized (SimBus.this) {
                if (slots.get(port) != slot || slot.generation != generation || closed) {
                    done.completeExceptionally(new IllegalStateException("phone on " + port
                            + (closed ? " did not return: the simulated bench was shut down" : " was unplugged")));
                    return;
                }
                if (slot.phone.has(SimFault.GONE_UNTIL_POWER_CYCLE)) {
                    // the fault: off the bus after this mode change until the port's power is cycled (powerCycle)
                    SimLog.LOG.debug("bus: the phone on {} stays off the bus until its port's power is cycled", port);
                    slot.refusedArrival = () -> {
                        onArrive.accept(slot.phone);
                        enumerate(port, slot);
                    };
                    done.completeExceptionally(new IllegalStateException("phone on " + port + " is gone until its port's power is cycled"));
                    return;
                }
                onArrive.accept(slot.phone);
                done.complete(enumerate(port, slot));
            }
        }, clock.toReal(delay).toNanos(), TimeUnit.NANOSECONDS);
        return done;
    }

    /** The phone on {@code port} leaves the bus after {@code dropAfter} and stays away (powered off). */
    public synchronized void powerOff(PortPath port, Duration dropAfter) {
        Slot slot = requireSlot(port);
        long generation = ++slot.generation;
        timers.schedule(() -> {
            synchronized (SimBus.this) {
                if (slots.get(port) == slot && slot.generation == generation) {
                    drop(port, slot, "the phone on " + port + " powered off");
                }
            }
        }, clock.toReal(dropAfter).toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Runs {@code action} after {@code delay} on the bus clock, unless the phone on {@code port} has
     * re-enumerated, been unplugged or been sent elsewhere meanwhile.
     */
    synchronized void afterUnlessMoved(PortPath port, Duration delay, Runnable action) {
        afterUnlessMovedReal(port, clock.toReal(delay), action);
    }

    /**
     * The least real time a phone's watchdog gives the host to answer, however fast the bench's clock runs. A
     * watchdog waits for the host's next message, and the host's reaction is real time (a thread being scheduled,
     * a GC pause): at 200x the boot manager's 9 s watchdog would be 45 ms of real time, which measures the test
     * machine's load, not the agent. Assumption of the simulator, not of a phone.
     */
    static final Duration WATCHDOG_REAL_FLOOR = Duration.ofSeconds(1);

    /** As {@link #afterUnlessMoved}, for a watchdog that waits on the host: never sooner than {@link #WATCHDOG_REAL_FLOOR} of real time (or its own period, if shorter). */
    synchronized void afterHostSilence(PortPath port, Duration period, Runnable action) {
        Duration floor = period.compareTo(WATCHDOG_REAL_FLOOR) < 0 ? period : WATCHDOG_REAL_FLOOR;
        Duration real = clock.toReal(period);
        afterUnlessMovedReal(port, real.compareTo(floor) < 0 ? floor : real, action);
    }

    private void afterUnlessMovedReal(PortPath port, Duration real, Runnable action) {
        Slot slot = slots.get(port);
        if (slot == null) {
            return;
        }
        long generation = slot.generation;
        timers.schedule(() -> {
            synchronized (SimBus.this) {
                if (slots.get(port) == slot && slot.generation == generation && slot.enumerated != null) {
                    action.run();
                }
            }
        }, real.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * How long the simulated hub keeps a port off in a cycle, on the bench clock: uhubctl's default {@code -d 2}
     * (notes-18 §1.1).
     */
    static final Duration POWER_OFF_TIME = Duration.ofSeconds(2);

    /** Ports whose hub cannot switch per-port power (bench file {@code "hub": "ganged"} or {@code "nops"}), with that word. */
    private final Map<PortPath, String> unswitchable = new TreeMap<>();

    /** The hub {@code port} is on cannot switch its ports' power ({@code "ganged"} or {@code "nops"}, as uhubctl says it). */
    public synchronized void hubCannotSwitch(PortPath port, String switching) {
        unswitchable.put(port, switching);
    }

    /**
     * The simulated hub's port power (issue 18): every port can be cycled unless its hub was marked otherwise. A cycle is
     * what pulling the cable and plugging it in again is to a Lumia: the phone runs on its battery, so it does not
     * restart; it leaves the bus now (its links fail) and, after {@link #POWER_OFF_TIME} on the bench clock, enumerates
     * again in the mode it is in. A phone whose port was wedged ({@link SimFault#GONE_UNTIL_POWER_CYCLE}) arrives where
     * its last mode change took it; a hung phone ({@link SimFault#STALL}) is still hung (only a key reset un-hangs it,
     * reset-procedures.md); one charging with a dead battery comes back as 05C6:F006; one restarting on its own (off the
     * bus between modes) goes on with its restart. Assumed, as no capture shows a Lumia's port power cut: a phone with
     * a battery keeps running when its USB power goes, as phones do when unplugged; what it was about to do on its own
     * while it was on the bus (a watchdog, a pending restart) is cancelled in the simulator.
     */
    @Override
    public dev.lumiaagent.transport.PortPower portPower() {
        return new dev.lumiaagent.transport.PortPower() {
            @Override
            public Capability capability(PortPath port) {
                String word = hubSwitching(port);
                return word == null ? Capability.yes("the simulated hub switches port " + port)
                        : Capability.no(hubCannot(port, word));
            }

            @Override
            public CycleResult cycle(PortPath port) {
                return powerCycle(port);
            }
        };
    }

    private synchronized String hubSwitching(PortPath port) {
        return unswitchable.get(port);
    }

    private static String hubCannot(PortPath port, String word) {
        List<Integer> ports = port.ports();
        String hub = ports.size() == 1 ? String.valueOf(port.bus()) : port.toString().substring(0, port.toString().lastIndexOf('.'));
        return "hub " + hub + " cannot switch its ports' power (" + word + ")";
    }

    /** Cycles {@code port}'s power on the simulated hub (see {@link #portPower()}). */
    public synchronized dev.lumiaagent.transport.PortPower.CycleResult powerCycle(PortPath port) {
        ensureOpen();
        String word = unswitchable.get(port);
        if (word != null) {
            return new dev.lumiaagent.transport.PortPower.CycleResult(dev.lumiaagent.transport.PortPower.CycleOutcome.NOT_SWITCHABLE, port,
                    hubCannot(port, word), dev.lumiaagent.transport.PortPower.CycleResult.manual(port));
        }
        Slot slot = slots.get(port);
        String cycled = "the simulated hub switched port " + port + " off and on";
        if (slot == null) {
            return new dev.lumiaagent.transport.PortPower.CycleResult(dev.lumiaagent.transport.PortPower.CycleOutcome.CYCLED, port,
                    cycled + " (no phone on it)", "");
        }
        boolean wedged = slot.phone.has(SimFault.GONE_UNTIL_POWER_CYCLE);
        slot.phone.clear(SimFault.GONE_UNTIL_POWER_CYCLE);
        Runnable arrival = slot.refusedArrival;
        slot.refusedArrival = null;
        if (slot.enumerated == null && arrival == null) {
            // between modes on its own (or its wedged arrival is still to come, and now will be): nothing to re-plug
            return new dev.lumiaagent.transport.PortPower.CycleResult(dev.lumiaagent.transport.PortPower.CycleOutcome.CYCLED, port,
                    cycled + " (the phone on it was restarting" + (wedged ? "; its port is no longer wedged" : "") + ")", "");
        }
        long generation = ++slot.generation;
        drop(port, slot, "the power of port " + port + " was switched off");
        Runnable arrive = arrival != null ? arrival : () -> enumerate(port, slot);
        timers.schedule(() -> {
            synchronized (SimBus.this) {
                if (slots.get(port) != slot || slot.generation != generation || slot.enumerated != null || closed) {
                    return; // unplugged or moved on meanwhile, or the bench closed
                }
                arrive.run();
            }
        }, clock.toReal(POWER_OFF_TIME).toNanos(), TimeUnit.NANOSECONDS);
        return new dev.lumiaagent.transport.PortPower.CycleResult(dev.lumiaagent.transport.PortPower.CycleOutcome.CYCLED, port, cycled, "");
    }

    /** The control a firmware uses to restart the phone on {@code port} now (that phone only: see {@link SimBoot}). */
    public SimPhoneControl control(PortPath port) {
        return new SimBoot(this, port, timings);
    }

    /**
     * The control of {@code phone}, which is (or was) on {@code port}: it restarts that phone only, and only while it is
     * still there (a bridge that outlives its phone's unplugging holds one).
     */
    public SimPhoneControl control(PortPath port, SimPhone phone) {
        return new SimBoot(this, port, phone, timings);
    }

    public SimTimings timings() {
        return timings;
    }

    public void timings(SimTimings t) {
        this.timings = Objects.requireNonNull(t, "timings");
    }

    /**
     * What a person holding Volume-Down + Power does: the phone restarts at once, whatever it was
     * doing (a hung phone included: the "extended reboot" clears a stall), and boots toward the OS.
     */
    public void keyReset(PortPath port) {
        SimPhone phone = requireSlotPhone(port);
        requireCharge(phone, port);
        phone.clearStall();
        phone.factoryResetInterrupted();
        new SimBoot(this, port, phone, timings).restart(BootTarget.OS, Duration.ZERO);
    }

    /** How long a factory reset takes on this bench (bus clock); real phones: usually under 30 minutes. */
    public Duration factoryResetTime() {
        return factoryResetTime;
    }

    public void factoryResetTime(Duration time) {
        if (time.isNegative() || time.isZero()) {
            throw new IllegalArgumentException("a factory reset takes some time, not " + time);
        }
        this.factoryResetTime = time;
    }

    /**
     * What a person does for a hard reset by keys (reset-procedures.md): Volume-Down + Power until it
     * vibrates, then Volume-Down until the "!", then Up, Down, Power, Down quickly. The phone restarts
     * at once (a hung phone included) and runs its factory reset.
     */
    public void keyHardReset(PortPath port) {
        SimPhone phone = requireSlotPhone(port);
        requireCharge(phone, port);
        phone.clearStall();
        new SimBoot(this, port, phone, timings).factoryReset(factoryResetTime, Duration.ZERO);
    }

    /**
     * The owner taps Settings → about → reset your phone and confirms: the OS shuts down as for a
     * restart and the factory reset runs. Only a phone running its OS and answering has Settings.
     */
    public void settingsReset(PortPath port) {
        SimPhone phone;
        synchronized (this) {
            Slot slot = requireSlot(port);
            if (slot.enumerated == null || slot.phone.mode() != Mode.NORMAL || slot.phone.has(SimFault.STALL)) {
                throw new IllegalStateException("the phone on " + port + " is not running a usable OS (" + slot.phone + ")");
            }
            phone = slot.phone;
        }
        new SimBoot(this, port, phone, timings).factoryReset(factoryResetTime, timings.dropFromOs());
        SimLog.LOG.debug("{}: reset from Settings", phone);
    }

    /**
     * A phone whose battery is dead does nothing on its keys: it only shows up as emergency charging until charged
     * (the fault matrix: a dead battery before a guided key reset ended DONE, the phone reset on no charge).
     */
    private static void requireCharge(SimPhone phone, PortPath port) {
        if (phone.has(SimFault.DEAD_BATTERY)) {
            throw new IllegalStateException("the battery of the phone on " + port + " is dead: its keys do nothing until it is charged");
        }
    }

    private synchronized SimPhone requireSlotPhone(PortPath port) {
        return requireSlot(port).phone;
    }

    public synchronized Optional<SimPhone> phoneAt(PortPath port) {
        Slot slot = slots.get(port);
        return slot == null ? Optional.empty() : Optional.of(slot.phone);
    }

    /** Every port with a phone plugged in, enumerated or not. */
    public synchronized Map<PortPath, SimPhone> phones() {
        Map<PortPath, SimPhone> out = new TreeMap<>();
        slots.forEach((p, s) -> out.put(p, s.phone));
        return Collections.unmodifiableMap(out);
    }

    @Override
    public synchronized List<UsbDevice> devices() {
        List<UsbDevice> out = new ArrayList<>();
        for (Slot s : slots.values()) {
            if (s.enumerated != null) {
                out.add(s.enumerated);
            }
        }
        return out;
    }

    @Override
    public Subscription watch(Consumer<BusEvent> listener) {
        synchronized (listeners) {
            listeners.add(listener);
            listeners.notifyAll();
        }
        return () -> listeners.remove(listener);
    }

    /**
     * Waits until at least {@code n} listeners watch this bus (an agent's station, a served client), or
     * {@code timeout} (real time) passed: tests wait on the event, not on a sleep. True when they do.
     */
    public boolean awaitWatchers(int n, Duration timeout) throws InterruptedException {
        Deadline deadline = Deadline.after(AgentClock.system(), timeout);
        synchronized (listeners) {
            return deadline.awaitOn(listeners, () -> listeners.size() >= n);
        }
    }

    @Override
    public synchronized Link open(UsbDevice device, LinkOptions options) {
        ensureOpen();
        Slot slot = slots.get(device.port());
        if (slot == null || slot.enumerated == null) {
            throw new DeviceGone("no phone on " + device.port() + " any more");
        }
        if (!slot.enumerated.equals(device)) {
            throw new DeviceGone("the phone on " + device.port() + " re-enumerated as " + slot.enumerated.vidPid()
                    + " " + slot.enumerated.personality().name());
        }
        WireProtocol protocol = device.personality().protocol();
        if (protocol == WireProtocol.NONE || protocol == WireProtocol.MASS_STORAGE) {
            throw new TransportFailure("NO_BULK_CHANNEL", device.personality().name() + " on " + device.port()
                    + " has no channel the agent can talk over");
        }
        SimChannel channel = new SimChannel(slot.phone, firmware.firmwareFor(slot.phone, this, device.port()),
                slot.phone.linkKind() == LinkKind.PACKET, streamChunk,
                "sim " + device.port() + " " + device.vidPid() + " (" + slot.phone.linkKind().name().toLowerCase() + ")");
        slot.channels.add(channel);
        return channel.hostLink(() -> {
            synchronized (SimBus.this) {
                slot.channels.remove(channel);
            }
            channel.hostClosed();
        });
    }

    @Override
    public String describe() {
        int n;
        synchronized (this) {
            n = (int) slots.values().stream().filter(s -> s.enumerated != null).count();
        }
        return "simulated bench (" + clock + "): " + n + (n == 1 ? " phone" : " phones") + " attached";
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (Map.Entry<PortPath, Slot> e : slots.entrySet()) {
                for (SimChannel c : List.copyOf(e.getValue().channels)) {
                    c.gone("the simulated bench was shut down");
                }
            }
        }
        timers.shutdownNow();
        events.shutdown();
        try {
            events.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.shutdownNow();
    }

    /**
     * The next time the phone on {@code port} enumerates (back from a restart), it comes up in {@code instead},
     * whatever it was restarting toward: the "re-enumerate as another personality" fault (DESIGN §2), at the exact
     * moment a phone returns.
     */
    public synchronized void nextArrivalAs(PortPath port, Mode instead) {
        if (!SimPhone.SIMULATED_MODES.contains(instead)) {
            throw new IllegalArgumentException("not a simulated mode: " + instead);
        }
        arrivingAs.put(port, instead);
    }

    private final Map<PortPath, Mode> arrivingAs = new TreeMap<>();

    private UsbDevice enumerate(PortPath port, Slot slot) {
        Mode instead = arrivingAs.remove(port);
        if (instead != null) {
            slot.phone.mode(instead);
        }
        UsbDevice device = slot.phone.usbDeviceAt(port);
        slot.enumerated = device;
        publish(new BusEvent.Attached(device));
        if (slot.phone.mode() == Mode.EMERGENCY_CHARGING && slot.phone.has(SimFault.DEAD_BATTERY)) {
            chargingCycle(port, slot);
        }
        return device;
    }

    /**
     * A phone with a dead battery re-enumerates as 05C6:F006 every 8.285 s while it charges (arrivals
     * 8.285 / 8.289 / 8.276 / 8.286 s apart in WPinternals' log of a Lumia 640 DS, traces/nok/116,
     * https://github.com/ReneLergner/WPinternals/issues/42). How long it is off the bus in between is not
     * logged: 50 ms is assumed.
     */
    static final Duration CHARGING_PERIOD = Duration.ofMillis(8285);
    static final Duration CHARGING_GAP = Duration.ofMillis(50);

    private void chargingCycle(PortPath port, Slot slot) {
        long generation = slot.generation;
        timers.schedule(() -> {
            synchronized (SimBus.this) {
                if (slots.get(port) != slot || slot.generation != generation || slot.enumerated == null
                        || slot.phone.mode() != Mode.EMERGENCY_CHARGING) {
                    return;
                }
                long next = ++slot.generation;
                drop(port, slot, "the phone on " + port + " re-enumerated while charging its dead battery");
                arriveAfter(port, slot, next, CHARGING_GAP, phone -> { }, new CompletableFuture<>());
            }
        }, clock.toReal(CHARGING_PERIOD.minus(CHARGING_GAP)).toNanos(), TimeUnit.NANOSECONDS);
    }

    private void drop(PortPath port, Slot slot, String reason) {
        for (SimChannel c : List.copyOf(slot.channels)) {
            c.gone(reason);
        }
        slot.channels.clear();
        if (slot.enumerated != null) {
            UsbDevice gone = slot.enumerated;
            slot.enumerated = null;
            publish(new BusEvent.Detached(gone));
        }
    }

    private void publish(BusEvent event) {
        if (closed) {
            return;
        }
        SimLog.LOG.debug("bus: {}", event);
        // Listeners as of now: a subscriber hears only what happens after it subscribed.
        List<Consumer<BusEvent>> audience = List.copyOf(listeners);
        events.execute(() -> {
            for (Consumer<BusEvent> l : audience) {
                try {
                    l.accept(event);
                } catch (RuntimeException e) {
                    SimLog.LOG.warn("a bus listener failed on {}: {}", event, e.toString());
                }
            }
        });
    }

    private Slot requireSlot(PortPath port) {
        Slot slot = slots.get(port);
        if (slot == null) {
            throw new IllegalStateException("no phone on port " + port);
        }
        return slot;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the simulated bus is closed");
        }
    }
}
