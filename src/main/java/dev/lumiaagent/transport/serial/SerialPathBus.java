package dev.lumiaagent.transport.serial;

import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.BusEvent;
import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.LinkOptions;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Personality;
import dev.lumiaagent.transport.discovery.PersonalityTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A bus of exactly one phone: whatever answers on one named serial path ({@code --serial PATH}),
 * taken to be a Qualcomm 05C6:9008 in emergency download (edl-protocol.md §1.4–§1.5). For ports
 * {@link SerialBus} does not list: pseudo-terminals (a simulated phone behind
 * {@code lumia-agent simulate edl-tty}), or a COM / ttyUSB port the user names directly.
 *
 * <p>The device sits at port path {@link #PORT} {@code 0-1}. Bus 0 is never a real USB bus: it means
 * "not USB-addressed" — the agent knows the phone only by its tty path, not by where it is plugged in.
 *
 * <p>Limits, because a path is not a hotplug-aware bus:
 * <ul>
 *   <li>{@link #watch} never delivers events: there is nothing to watch. Callers that wait for the
 *       phone (PhoneWatcher) fall back on {@link #devices()}.</li>
 *   <li>{@link #devices()} lists the phone while the path exists (for absolute filesystem paths; a
 *       Windows {@code COMn} name is always listed). When the phone reboots out of 9008 its tty goes
 *       away and the list empties; a phone that comes back in another mode (boot manager, normal) is
 *       <b>not</b> seen here, since it no longer presents a serial port. A flow that waits for the
 *       phone to return therefore ends without seeing it.</li>
 *   <li>The USB identity (serial, iProduct) is unknown: both are empty.</li>
 * </ul>
 */
public final class SerialPathBus implements Bus {
    /** Where the one phone is: bus 0 (not USB-addressed), port 1. */
    public static final PortPath PORT = PortPath.of(0, 1);
    /** How long {@link #open} waits for the path to appear and become openable. */
    public static final Duration DEFAULT_OPEN_TIMEOUT = Duration.ofSeconds(2);
    private static final int VID_QUALCOMM = 0x05C6;
    private static final int PID_EDL = 0x9008;

    private final String path;
    private final Duration openTimeout;
    private final UsbDevice device;
    private volatile boolean closed;

    public SerialPathBus(String path) {
        this(path, DEFAULT_OPEN_TIMEOUT);
    }

    public SerialPathBus(String path, Duration openTimeout) {
        Objects.requireNonNull(path, "path");
        if (path.isBlank()) {
            throw new IllegalArgumentException("--serial needs a port path, e.g. /dev/ttyUSB0 or COM5");
        }
        this.path = path.trim();
        this.openTimeout = Objects.requireNonNull(openTimeout, "openTimeout");
        Personality edl = PersonalityTable.standard().classify(VID_QUALCOMM, PID_EDL, "", List.of())
                .orElseThrow(() -> new IllegalStateException("the personality table has no Qualcomm 05C6:9008 entry"));
        this.device = new UsbDevice(PORT, VID_QUALCOMM, PID_EDL, "", "", "", List.of(), edl);
    }

    /** The OS path this bus opens. */
    public String path() {
        return path;
    }

    /** The one device, whether or not its path is there now. */
    public UsbDevice device() {
        return device;
    }

    private boolean present() {
        if (closed) {
            return false;
        }
        // Only filesystem paths can be checked; a Windows COM name is not a file.
        return !path.startsWith("/") || Files.exists(Path.of(path));
    }

    @Override
    public List<UsbDevice> devices() {
        return present() ? List.of(device) : List.of();
    }

    /** No events ever come: a fixed path has no hotplug (see the class comment). */
    @Override
    public Subscription watch(Consumer<BusEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        return () -> { };
    }

    /** Opens the path as a stream link; {@code options} mean nothing on a tty (see {@link SerialLink}). */
    @Override
    public Link open(UsbDevice wanted, LinkOptions options) {
        Objects.requireNonNull(wanted, "device");
        if (closed) {
            throw new IllegalStateException("serial path bus " + path + " is closed");
        }
        if (!wanted.equals(device)) {
            throw new DeviceGone("serial path " + path + " has only " + device + ", not " + wanted);
        }
        return SerialBus.openPath(path, openTimeout);
    }

    @Override
    public String describe() {
        return "serial path " + path + ": " + (present() ? "one phone assumed in Qualcomm 9008 at " + PORT
                + " (bus 0: not USB-addressed)" : "the path is not there");
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "SerialPathBus " + path;
    }
}
