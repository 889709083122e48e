package dev.lumiaagent.transport.serial;

import com.fazecast.jSerialComm.SerialPort;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.BusEvent;
import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.LinkOptions;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Personality;
import dev.lumiaagent.transport.discovery.PersonalityTable;
import dev.lumiaagent.transport.discovery.WireProtocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Phones reachable through a serial port: in practice a Qualcomm 05C6:9008 in emergency download,
 * bound to {@code qcserial} on Linux ({@code /dev/ttyUSBn}) or to the QDLoader driver on Windows
 * ({@code COMn}) (edl-protocol.md §1.4–§1.5).
 *
 * <p>Only ports whose USB identity the {@link PersonalityTable} classifies as a
 * {@link WireProtocol#QUALCOMM_EDL} personality are listed: that family is the only one whose channel
 * a tty carries. A Lumia in normal or UEFI mode is reached over libusb, and listing its modem ports
 * here would show the same phone twice.
 *
 * <p>Port path: jSerialComm's {@code getPortLocation()} is {@code bus-port.port…} (e.g. {@code 1-1.4})
 * on Linux and Windows when the driver reports it, and is used as is. When it does not parse, or is
 * jSerialComm's placeholder {@code 0-0}, a stable path is derived on bus 0, which is never a real USB
 * bus: {@code 0-K.N} where K names the port family (1 ttyUSB, 2 ttyACM, 3 COM, 9 other) and N is the
 * number in the port's name ({@code COM7} → {@code 0-3.7}), or a hash of the name when it has no number
 * below 256. It follows the port name, not the socket, so it is only as stable as the OS's naming.
 *
 * <p>iProduct is taken from the port description (on Linux jSerialComm reads the USB product string
 * there; the Windows driver's friendly name carries no iProduct, so the generic 9008 rule matches),
 * the serial from {@code getSerialNumber()} or, when empty, from the {@code _SN:} token of iProduct.
 *
 * <p>Explicit paths (pseudo-terminals, which {@code getCommPorts()} never lists, or a port named with
 * {@code --serial}) are opened with {@link #openPath(String, Duration)}.
 */
public final class SerialBus implements Bus {
    private static final Logger log = LoggerFactory.getLogger(SerialBus.class);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    /** How long {@link #open} waits for udev to finish with a freshly enumerated port. */
    private static final Duration BUS_OPEN_TIMEOUT = Duration.ofSeconds(2);
    private static final Pattern NAME_NUMBER = Pattern.compile(".*?(\\d+)$");

    /** What the bus needs to know of one OS serial port; filled from jSerialComm, or by tests. */
    record PortInfo(String systemPath, String systemName, String location, int vid, int pid, String description,
                    String serial, String manufacturer) {
    }

    /** A port that is a phone, with the system path to open it by. */
    private record Found(UsbDevice device, String systemPath) {
    }

    private final Supplier<List<PortInfo>> scanner;
    private final Supplier<PersonalityTable> table;
    private final Duration pollInterval;
    private final List<Consumer<BusEvent>> listeners = new CopyOnWriteArrayList<>();
    private final Object watchLock = new Object();
    private ScheduledExecutorService poller;
    /** Last seen phones by system path; touched only under {@link #watchLock} or on the poller thread. */
    private Map<String, UsbDevice> known = Map.of();
    private volatile String lastProblem;
    private volatile boolean closed;

    /** The machine's serial ports through jSerialComm. Does no native work until first used. */
    public SerialBus() {
        this(SerialBus::scanSystem, PersonalityTable::standard, POLL_INTERVAL);
    }

    SerialBus(Supplier<List<PortInfo>> scanner, Supplier<PersonalityTable> table, Duration pollInterval) {
        this.scanner = Objects.requireNonNull(scanner, "scanner");
        this.table = Objects.requireNonNull(table, "table");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    }

    /**
     * Opens an explicit tty / COM path, e.g. {@code /dev/ttyUSB0}, {@code COM5} or a test's
     * {@code /dev/pts/N}, waiting up to {@code openTimeout} for it to appear and become openable.
     */
    public static SerialLink openPath(String path, Duration openTimeout) {
        return SerialLink.open(path, openTimeout);
    }

    @Override
    public List<UsbDevice> devices() {
        List<UsbDevice> out = new ArrayList<>();
        for (Found f : scan()) {
            out.add(f.device());
        }
        return out;
    }

    /** Scans once: phones sorted by port path. */
    private List<Found> scan() {
        List<PortInfo> ports;
        PersonalityTable personalities;
        try {
            ports = scanner.get();
            personalities = table.get();
            lastProblem = null;
        } catch (RuntimeException | LinkageError e) {
            // jSerialComm loads a native library on first use; a locked-down /tmp or an unknown CPU
            // makes that fail. The bus then reports nothing and describe() says why.
            String problem = "cannot list serial ports: " + e;
            if (!problem.equals(lastProblem)) {
                log.warn("serial bus: {}", problem);
            }
            lastProblem = problem;
            return List.of();
        }
        List<Found> found = new ArrayList<>();
        for (PortInfo p : ports) {
            classify(p, personalities).ifPresent(found::add);
        }
        found.sort(Comparator.comparing((Found f) -> f.device().port()).thenComparing(Found::systemPath));
        return found;
    }

    private static Optional<Found> classify(PortInfo p, PersonalityTable personalities) {
        if (p.vid() < 0 || p.pid() < 0 || p.vid() > 0xFFFF || p.pid() > 0xFFFF) {
            return Optional.empty(); // not a USB port
        }
        String product = clean(p.description());
        Optional<Personality> personality = personalities.classify(p.vid(), p.pid(), product, List.of());
        if (personality.isEmpty() || personality.get().protocol() != WireProtocol.QUALCOMM_EDL) {
            return Optional.empty();
        }
        String serial = clean(p.serial());
        if (serial.isEmpty()) {
            serial = PersonalityTable.serialFromProduct(product).orElse("");
        }
        UsbDevice device = new UsbDevice(portPath(p.location(), p.systemName()), p.vid(), p.pid(), clean(p.manufacturer()),
                product, serial, List.of(), personality.get());
        return Optional.of(new Found(device, p.systemPath()));
    }

    /** jSerialComm says "Unknown" where a string is missing. */
    private static String clean(String s) {
        if (s == null) {
            return "";
        }
        String t = s.trim();
        return "Unknown".equals(t) ? "" : t;
    }

    /** The port path from jSerialComm's location, or one derived from the port name on bus 0 (see class comment). */
    static PortPath portPath(String location, String systemName) {
        if (location != null) {
            try {
                PortPath parsed = PortPath.parse(location);
                if (parsed.bus() != 0) {
                    return parsed;
                }
            } catch (IllegalArgumentException notAPortPath) {
                // fall through to the derived path
            }
        }
        String name = systemName == null ? "" : systemName.trim();
        int family;
        if (name.startsWith("ttyUSB")) {
            family = 1;
        } else if (name.startsWith("ttyACM")) {
            family = 2;
        } else if (name.toUpperCase(java.util.Locale.ROOT).startsWith("COM")) {
            family = 3;
        } else {
            family = 9;
        }
        Matcher m = NAME_NUMBER.matcher(name);
        int number = -1;
        if (m.matches()) {
            String digits = m.group(1);
            if (digits.length() <= 3 && Integer.parseInt(digits) <= 255) {
                number = Integer.parseInt(digits);
            }
        }
        if (number < 0 || family == 9) {
            // No usable number, or an unfamiliar family where the number alone could collide: hash the whole name.
            int h = name.hashCode();
            return PortPath.of(0, 9, (h >>> 8) & 0xFF, h & 0xFF);
        }
        return PortPath.of(0, family, number);
    }

    @Override
    public Subscription watch(Consumer<BusEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (watchLock) {
            if (closed) {
                throw new IllegalStateException("serial bus is closed");
            }
            if (poller == null) {
                known = toMap(scan());
                poller = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "serial-bus-watch");
                    t.setDaemon(true);
                    return t;
                });
                long ms = Math.max(1, pollInterval.toMillis());
                poller.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
            }
            listeners.add(listener);
        }
        return () -> {
            listeners.remove(listener);
            synchronized (watchLock) {
                if (listeners.isEmpty()) {
                    stopPoller();
                }
            }
        };
    }

    private static Map<String, UsbDevice> toMap(List<Found> found) {
        Map<String, UsbDevice> m = new LinkedHashMap<>();
        for (Found f : found) {
            m.put(f.systemPath(), f.device());
        }
        return m;
    }

    /** One poll: diff the new scan against the last one; detaches first, then attaches. */
    private void poll() {
        try {
            Map<String, UsbDevice> now = toMap(scan());
            List<BusEvent> events = new ArrayList<>();
            Map<String, UsbDevice> before;
            synchronized (watchLock) {
                before = known;
                known = now;
            }
            for (Map.Entry<String, UsbDevice> e : before.entrySet()) {
                UsbDevice after = now.get(e.getKey());
                if (!e.getValue().equals(after)) {
                    events.add(new BusEvent.Detached(e.getValue()));
                }
            }
            for (Map.Entry<String, UsbDevice> e : now.entrySet()) {
                if (!e.getValue().equals(before.get(e.getKey()))) {
                    events.add(new BusEvent.Attached(e.getValue()));
                }
            }
            for (BusEvent event : events) {
                log.debug("serial bus: {}", event);
                for (Consumer<BusEvent> l : listeners) {
                    try {
                        l.accept(event);
                    } catch (RuntimeException ex) {
                        log.warn("serial bus: a listener threw on '{}'; it stays subscribed", event, ex);
                    }
                }
            }
        } catch (RuntimeException | LinkageError e) {
            log.warn("serial bus: poll failed; trying again in {} ms", pollInterval.toMillis(), e);
        }
    }

    private void stopPoller() {
        ScheduledExecutorService p = poller;
        poller = null;
        if (p != null) {
            p.shutdownNow();
            try {
                p.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Opens the serial port the device was last seen on. {@code options} mean nothing on a tty: the
     * driver owns the interface and the packetisation (see {@link SerialLink} on ZLPs).
     */
    @Override
    public Link open(UsbDevice device, LinkOptions options) {
        Objects.requireNonNull(device, "device");
        // Rescan rather than trust an old listing: tty names are reused as soon as a phone re-enumerates.
        Found now = null;
        for (Found f : scan()) {
            if (f.device().port().equals(device.port())) {
                now = f;
                break;
            }
        }
        if (now == null) {
            throw new DeviceGone("No serial port for " + device + " any more: the phone left or changed mode");
        }
        if (now.device().vid() != device.vid() || now.device().pid() != device.pid()) {
            throw new DeviceGone("The phone at " + device.port() + " changed from " + device.vidPid() + " to "
                    + now.device().vidPid() + "; detect it again");
        }
        return SerialLink.open(now.systemPath(), BUS_OPEN_TIMEOUT);
    }

    @Override
    public String describe() {
        List<Found> found = scan();
        String problem = lastProblem;
        String name = "serial ports (jSerialComm " + libraryVersion() + ")";
        if (problem != null) {
            return name + ": unavailable, " + problem;
        }
        if (found.isEmpty()) {
            return name + ": none with a Qualcomm 9008 phone";
        }
        StringBuilder sb = new StringBuilder(name).append(": ").append(found.size())
                .append(found.size() == 1 ? " phone: " : " phones: ");
        for (int i = 0; i < found.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            Found f = found.get(i);
            sb.append(f.systemPath()).append(" = ").append(f.device());
        }
        return sb.toString();
    }

    @Override
    public void close() {
        synchronized (watchLock) {
            closed = true;
            listeners.clear();
            stopPoller();
        }
    }

    /** jSerialComm's version; its class initialiser loads the native library, which may fail. */
    private static String libraryVersion() {
        try {
            return SerialPort.getVersion();
        } catch (LinkageError e) {
            return "native library not loaded";
        }
    }

    /** The machine's serial ports as jSerialComm sees them. */
    private static List<PortInfo> scanSystem() {
        List<PortInfo> out = new ArrayList<>();
        for (SerialPort p : SerialPort.getCommPorts()) {
            out.add(new PortInfo(p.getSystemPortPath(), p.getSystemPortName(), p.getPortLocation(), p.getVendorID(),
                    p.getProductID(), p.getPortDescription(), p.getSerialNumber(), p.getManufacturer()));
        }
        return out;
    }

    @Override
    public String toString() {
        return "SerialBus";
    }
}
