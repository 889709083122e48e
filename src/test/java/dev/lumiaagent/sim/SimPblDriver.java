package dev.lumiaagent.sim;

import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.discovery.Mode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Supplier;

/**
 * Drives a {@link SimEdlFirmware} directly, message by message, and collects what it sends: for tests that
 * compare the simulated PBL's packets with captures, with no bus and no thread in between (each call
 * returns when the firmware has answered, so no test waits on time).
 */
public final class SimPblDriver {
    private final SimPhone phone;
    private final SimEdlFirmware pbl;
    private final List<byte[]> sent = new ArrayList<>();
    private final List<BootTarget> reboots = new ArrayList<>();

    /** A {@code model} phone in 9008 with a PBL of {@code saharaVersion}, READ_DATA_64 if {@code readData64}. */
    public SimPblDriver(String model, int saharaVersion, boolean readData64) {
        this(model, saharaVersion, readData64, () -> (m, out) -> out.send(("programmer heard " + m.length).getBytes()));
    }

    public SimPblDriver(String model, int saharaVersion, boolean readData64, Supplier<SimFirmware> programmer) {
        phone = new SimPhone(SimModels.standard().require(model), "356938035643809", "", Mode.EDL_PBL, 50, LinkKind.PACKET,
                EnumSet.noneOf(SimFault.class));
        SimPhoneControl control = new SimPhoneControl() {
            @Override
            public SimPhone phone() {
                return phone;
            }

            @Override
            public AgentClock clock() {
                return AgentClock.scaled(1000);
            }

            @Override
            public void reboot(BootTarget target) {
                reboots.add(target);
            }

            @Override
            public void disableWatchdog() {
                throw new IllegalStateException("a PBL has no watchdog to disable");
            }

            @Override
            public void switchApp(SimUefiApp app) {
                throw new IllegalStateException("a PBL runs no UEFI app");
            }
        };
        pbl = new SimEdlFirmware(control, programmer, saharaVersion, readData64);
    }

    public SimPhone phone() {
        return phone;
    }

    public List<BootTarget> reboots() {
        return reboots;
    }

    /** The port opens: what the PBL sends unasked (its HELLO the first time). */
    public List<byte[]> open() {
        sent.clear();
        pbl.opened(sent::add);
        return List.copyOf(sent);
    }

    /** One host transfer; every transfer the PBL (or the programmer after it) sent in answer. */
    public List<byte[]> host(byte[] message) {
        sent.clear();
        pbl.onHostMessage(message, sent::add);
        return List.copyOf(sent);
    }
}
