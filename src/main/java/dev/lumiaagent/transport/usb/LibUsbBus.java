package dev.lumiaagent.transport.usb;

import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.BusEvent;
import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.LinkOptions;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.TransportException;
import dev.lumiaagent.transport.TransportFailure;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Personality;
import dev.lumiaagent.transport.discovery.PersonalityTable;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.usb4java.ConfigDescriptor;
import org.usb4java.Context;
import org.usb4java.Device;
import org.usb4java.DeviceDescriptor;
import org.usb4java.DeviceHandle;
import org.usb4java.DeviceList;
import org.usb4java.EndpointDescriptor;
import org.usb4java.HotplugCallback;
import org.usb4java.HotplugCallbackHandle;
import org.usb4java.Interface;
import org.usb4java.InterfaceDescriptor;
import org.usb4java.LibUsb;
import org.usb4java.Version;

/**
 * The real USB bus through usb4java / libusb. Never throws on construction: when libusb cannot start
 * (no natives, no usbfs) the bus is "unavailable" and says why in {@link #describe()}.
 */
public final class LibUsbBus implements Bus {
    private static final Logger LOG = LoggerFactory.getLogger(LibUsbBus.class);
    static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    /** With hotplug callbacks we still rescan now and then, in case a callback was missed. */
    static final Duration HOTPLUG_SAFETY_INTERVAL = Duration.ofSeconds(5);
    private static final int STRING_READ_ATTEMPTS = 1;

    private final PersonalityTable table;
    private final Set<Integer> phoneVendors = new HashSet<>();
    private final Context context;
    private final String version;
    private final String unavailableReason;
    private final boolean hotplug;
    private final BusWatcher watcher;
    private final List<LibUsbLink> openLinks = new CopyOnWriteArrayList<>();
    /** iManufacturer/iProduct/iSerial by bus address: read once per enumeration, not on every poll. */
    private final Map<String, String[]> stringCache = new HashMap<>();
    private final Object lock = new Object();
    private volatile int lastDeviceCount = -1;
    private volatile boolean closed;
    private Thread eventThread;
    private HotplugCallbackHandle hotplugHandle;

    public LibUsbBus() {
        this(PersonalityTable.standard());
    }

    public LibUsbBus(PersonalityTable table) {
        this.table = table;
        for (PersonalityTable.Rule r : table.rules()) {
            phoneVendors.add(r.vid());
        }
        Context ctx = null;
        String ver = "libusb";
        String reason = null;
        boolean hp = false;
        try {
            Version v = LibUsb.getVersion();
            if (v != null) {
                ver = String.format("libusb %d.%d.%d", v.major(), v.minor(), v.micro());
            }
            Context c = new Context();
            int r = LibUsb.init(c);
            if (r == LibUsb.SUCCESS) {
                ctx = c;
                hp = LibUsb.hasCapability(LibUsb.CAP_HAS_HOTPLUG);
            } else {
                reason = LibUsbErrors.name(r);
            }
        } catch (Throwable e) { // UnsatisfiedLinkError, LibUsbException from the native loader
            reason = "native library did not load: " + e.getMessage();
            LOG.debug("libusb unavailable", e);
        }
        this.context = ctx;
        this.version = ver;
        this.unavailableReason = reason;
        this.hotplug = hp;
        this.watcher = new BusWatcher(this::devices, hp ? HOTPLUG_SAFETY_INTERVAL : POLL_INTERVAL, "usb-bus-watch");
    }

    /** True when libusb started; false when the bus is unavailable (see {@link #describe()}). */
    public boolean available() {
        return context != null;
    }

    @Override
    public List<UsbDevice> devices() {
        if (context == null || closed) {
            return List.of();
        }
        synchronized (lock) {
            DeviceList list = new DeviceList();
            int n = LibUsb.getDeviceList(context, list);
            if (n < 0) {
                LOG.debug("libusb_get_device_list gave {}", LibUsbErrors.name(n));
                lastDeviceCount = 0;
                return List.of();
            }
            lastDeviceCount = n;
            List<UsbDevice> phones = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            try {
                for (Device d : list) {
                    describeDevice(d, seen).ifPresent(phones::add);
                }
            } finally {
                LibUsb.freeDeviceList(list, true);
            }
            stringCache.keySet().retainAll(seen);
            phones.sort(Comparator.comparing(UsbDevice::port));
            return List.copyOf(phones);
        }
    }

    private Optional<UsbDevice> describeDevice(Device d, Set<String> seen) {
        DeviceDescriptor dd = new DeviceDescriptor();
        if (LibUsb.getDeviceDescriptor(d, dd) != LibUsb.SUCCESS) {
            return Optional.empty();
        }
        int vid = dd.idVendor() & 0xFFFF;
        int pid = dd.idProduct() & 0xFFFF;
        if (!phoneVendors.contains(vid)) {
            return Optional.empty(); // not a vendor any rule knows: do not open keyboards and disks
        }
        Optional<PortPath> port = portPath(d);
        if (port.isEmpty()) {
            return Optional.empty(); // a root hub
        }
        List<Integer> numbers = new ArrayList<>();
        List<Integer> classes = new ArrayList<>();
        ConfigDescriptor cfg = new ConfigDescriptor();
        int r = LibUsb.getActiveConfigDescriptor(d, cfg);
        if (r == LibUsb.SUCCESS) {
            try {
                for (Interface iface : cfg.iface()) {
                    InterfaceDescriptor[] alts = iface.altsetting();
                    if (alts.length > 0) {
                        numbers.add(alts[0].bInterfaceNumber() & 0xFF);
                        classes.add(alts[0].bInterfaceClass() & 0xFF);
                    }
                }
            } finally {
                LibUsb.freeConfigDescriptor(cfg);
            }
        } else {
            LOG.debug("{} {}: no active configuration ({})", port.get(), String.format("%04X:%04X", vid, pid),
                    LibUsbErrors.name(r));
        }
        String key = LibUsb.getBusNumber(d) + "/" + LibUsb.getDeviceAddress(d) + "/" + vid + ":" + pid;
        seen.add(key);
        String[] strings = stringCache.get(key);
        if (strings == null) {
            strings = readStrings(d, dd, port.get());
            stringCache.put(key, strings);
        }
        String product = strings[1];
        Optional<Personality> personality = table.classify(vid, pid, product, classes);
        if (personality.isEmpty()) {
            return Optional.empty();
        }
        String serial = strings[2];
        if (serial.isEmpty() && personality.get().mode().isEmergencyDownload()) {
            serial = PersonalityTable.serialFromProduct(product).orElse("");
        }
        return Optional.of(new UsbDevice(port.get(), vid, pid, strings[0], product, serial, numbers, personality.get()));
    }

    /** Bus number plus the port chain from the root hub; empty for root hubs (no ports). */
    static Optional<PortPath> portPath(Device d) {
        ByteBuffer ports = ByteBuffer.allocateDirect(7);
        int n = LibUsb.getPortNumbers(d, ports);
        if (n <= 0) {
            return Optional.empty();
        }
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(ports.get(i) & 0xFF);
        }
        return Optional.of(new PortPath(LibUsb.getBusNumber(d) & 0xFF, list));
    }

    /** Opens the device just long enough to read its strings; a refused open still lists it, with empty strings. */
    private String[] readStrings(Device d, DeviceDescriptor dd, PortPath port) {
        String[] out = {"", "", ""};
        DeviceHandle h = new DeviceHandle();
        int r = LibUsb.open(d, h);
        if (r != LibUsb.SUCCESS) {
            LOG.debug("{}: cannot open to read descriptor strings ({}); listing it without them", port, LibUsbErrors.name(r));
            return out;
        }
        try {
            byte[] indexes = {dd.iManufacturer(), dd.iProduct(), dd.iSerialNumber()};
            for (int i = 0; i < 3; i++) {
                if (indexes[i] != 0) {
                    out[i] = readString(h, indexes[i], port);
                }
            }
        } finally {
            LibUsb.close(h);
        }
        return out;
    }

    private static String readString(DeviceHandle h, byte index, PortPath port) {
        for (int attempt = 0; attempt < STRING_READ_ATTEMPTS; attempt++) {
            StringBuffer sb = new StringBuffer();
            int r = LibUsb.getStringDescriptorAscii(h, index, sb);
            if (r >= 0) {
                return sb.toString().trim();
            }
            LOG.debug("{}: string descriptor {} unreadable ({})", port, index & 0xFF, LibUsbErrors.name(r));
        }
        return "";
    }

    @Override
    public Subscription watch(Consumer<BusEvent> listener) {
        if (context == null || closed) {
            return () -> { };
        }
        synchronized (lock) {
            if (hotplug && eventThread == null) {
                startHotplug();
            }
        }
        return watcher.subscribe(listener);
    }

    /** Registers a libusb hotplug callback that wakes the watcher; libusb calls it from our event thread. */
    private void startHotplug() {
        HotplugCallback cb = (ctx, device, event, userData) -> {
            watcher.wakeUp();
            return 0; // stay registered
        };
        HotplugCallbackHandle handle = new HotplugCallbackHandle();
        int r = LibUsb.hotplugRegisterCallback(context,
                LibUsb.HOTPLUG_EVENT_DEVICE_ARRIVED | LibUsb.HOTPLUG_EVENT_DEVICE_LEFT, LibUsb.HOTPLUG_NO_FLAGS,
                LibUsb.HOTPLUG_MATCH_ANY, LibUsb.HOTPLUG_MATCH_ANY, LibUsb.HOTPLUG_MATCH_ANY, cb, null, handle);
        if (r != LibUsb.SUCCESS) {
            LOG.debug("hotplug registration failed ({}); the bus watcher polls every {} ms", LibUsbErrors.name(r),
                    HOTPLUG_SAFETY_INTERVAL.toMillis());
            return;
        }
        hotplugHandle = handle;
        Thread t = new Thread(() -> {
            while (!closed) {
                // bounded wait so close() is noticed within a quarter second
                int er = LibUsb.handleEventsTimeout(context, 250_000);
                if (er != LibUsb.SUCCESS && er != LibUsb.ERROR_INTERRUPTED) {
                    LOG.debug("libusb event handling gave {}", LibUsbErrors.name(er));
                }
            }
        }, "usb-bus-events");
        t.setDaemon(true);
        t.start();
        eventThread = t;
    }

    @Override
    public Link open(UsbDevice device, LinkOptions options) {
        if (context == null) {
            throw new TransportFailure(unavailableReason == null ? "LIBUSB_UNAVAILABLE" : unavailableReason,
                    "Cannot open " + device.port() + " (" + device.vidPid() + "): " + describe());
        }
        if (closed) {
            throw new TransportFailure("BUS_CLOSED", "Cannot open " + device.port() + ": the USB bus was closed");
        }
        String where = device.port() + " (" + device.vidPid() + ")";
        synchronized (lock) {
            Device d = null;
            DeviceList list = new DeviceList();
            int n = LibUsb.getDeviceList(context, list);
            if (n < 0) {
                throw LibUsbErrors.map(n, "list USB devices to open " + where);
            }
            try {
                for (Device candidate : list) {
                    if (portPath(candidate).filter(device.port()::equals).isPresent()) {
                        d = LibUsb.refDevice(candidate);
                        break;
                    }
                }
            } finally {
                LibUsb.freeDeviceList(list, true);
            }
            if (d == null) {
                throw new DeviceGone("No device at USB port " + device.port() + " any more (expected " + device.vidPid() + ")");
            }
            try {
                return openAt(d, device, options, where);
            } finally {
                LibUsb.unrefDevice(d);
            }
        }
    }

    private Link openAt(Device d, UsbDevice device, LinkOptions options, String where) {
        DeviceDescriptor dd = new DeviceDescriptor();
        int r = LibUsb.getDeviceDescriptor(d, dd);
        if (r != LibUsb.SUCCESS) {
            throw LibUsbErrors.map(r, "read the device descriptor of " + where);
        }
        if ((dd.idVendor() & 0xFFFF) != device.vid() || (dd.idProduct() & 0xFFFF) != device.pid()) {
            throw new DeviceGone(String.format("The device at port %s is now %04X:%04X, not %s: the phone re-enumerated",
                    device.port(), dd.idVendor() & 0xFFFF, dd.idProduct() & 0xFFFF, device.vidPid()));
        }
        BulkPair pair = choosePair(d, options.interfaceNumber() >= 0 ? options.interfaceNumber()
                : device.personality().interfaceNumber(), where);
        DeviceHandle h = new DeviceHandle();
        r = LibUsb.open(d, h);
        if (r != LibUsb.SUCCESS) {
            throw LibUsbErrors.map(r, "open " + where);
        }
        boolean detached = false;
        try {
            if (isLinux()) {
                int active = LibUsb.kernelDriverActive(h, pair.iface);
                if (active == 1) {
                    r = LibUsb.detachKernelDriver(h, pair.iface);
                    if (r != LibUsb.SUCCESS && r != LibUsb.ERROR_NOT_FOUND) {
                        throw LibUsbErrors.map(r, "detach the kernel driver (e.g. qcserial) from " + where);
                    }
                    detached = r == LibUsb.SUCCESS;
                    LOG.debug("{}: detached the kernel driver from interface {}", where, pair.iface);
                } else if (active < 0) {
                    LOG.debug("{}: cannot tell whether a kernel driver is bound ({}); claiming anyway", where,
                            LibUsbErrors.name(active));
                }
            }
            r = LibUsb.claimInterface(h, pair.iface);
            if (r != LibUsb.SUCCESS) {
                throw LibUsbErrors.map(r, "claim interface " + pair.iface + " of " + where);
            }
        } catch (TransportException e) {
            if (detached) {
                LibUsb.attachKernelDriver(h, pair.iface);
            }
            LibUsb.close(h);
            throw e;
        }
        LibUsbLink[] holder = new LibUsbLink[1];
        LibUsbLink link = new LibUsbLink(h, pair.iface, pair.in, pair.out, pair.maxPacket, detached, options.zlp(),
                device.port().toString(), () -> openLinks.remove(holder[0]));
        holder[0] = link;
        openLinks.add(link);
        LOG.debug("opened {}", link.describe());
        return link;
    }

    /** The claimed interface, its first bulk IN and OUT endpoints and their wMaxPacketSize. */
    record BulkPair(int iface, int in, int out, int maxPacket, int ifClass) {
    }

    private static BulkPair choosePair(Device d, int wanted, String where) {
        ConfigDescriptor cfg = new ConfigDescriptor();
        int r = LibUsb.getActiveConfigDescriptor(d, cfg);
        if (r != LibUsb.SUCCESS) {
            throw LibUsbErrors.map(r, "read the active configuration of " + where);
        }
        try {
            List<BulkPair> pairs = new ArrayList<>();
            for (Interface iface : cfg.iface()) {
                for (InterfaceDescriptor alt : iface.altsetting()) {
                    if (alt.bAlternateSetting() != 0) {
                        continue;
                    }
                    bulkPair(alt).ifPresent(pairs::add);
                }
            }
            return pick(pairs, wanted).orElseThrow(() -> new TransportFailure("LIBUSB_ERROR_NOT_FOUND", wanted >= 0
                    ? "Interface " + wanted + " of " + where + " has no bulk IN/OUT endpoint pair"
                    : "No interface of " + where + " has a bulk IN/OUT endpoint pair"));
        } finally {
            LibUsb.freeConfigDescriptor(cfg);
        }
    }

    static Optional<BulkPair> pick(List<BulkPair> pairs, int wanted) {
        if (wanted >= 0) {
            return pairs.stream().filter(p -> p.iface == wanted).findFirst();
        }
        Optional<BulkPair> vendor = pairs.stream().filter(p -> p.ifClass == 0xFF).findFirst();
        return vendor.isPresent() ? vendor : pairs.stream().findFirst();
    }

    private static Optional<BulkPair> bulkPair(InterfaceDescriptor alt) {
        int in = -1;
        int out = -1;
        int max = 0;
        for (EndpointDescriptor ep : alt.endpoint()) {
            if ((ep.bmAttributes() & LibUsb.TRANSFER_TYPE_MASK) != LibUsb.TRANSFER_TYPE_BULK) {
                continue;
            }
            int addr = ep.bEndpointAddress() & 0xFF;
            int size = ep.wMaxPacketSize() & 0x7FF;
            if ((addr & LibUsb.ENDPOINT_IN) != 0) {
                if (in < 0) {
                    in = addr;
                    max = Math.max(max, size);
                }
            } else if (out < 0) {
                out = addr;
                max = Math.max(max, size);
            }
        }
        if (in < 0 || out < 0) {
            return Optional.empty();
        }
        return Optional.of(new BulkPair(alt.bInterfaceNumber() & 0xFF, in, out, max, alt.bInterfaceClass() & 0xFF));
    }

    private static boolean isLinux() {
        return LibUsbErrors.os().toLowerCase(Locale.ROOT).contains("linux");
    }

    @Override
    public String describe() {
        if (context == null) {
            return version + ": no USB bus on this machine (" + unavailableReason + ")";
        }
        if (closed) {
            return version + ": closed";
        }
        List<UsbDevice> phones = devices();
        if (lastDeviceCount == 0) {
            return version + ": no USB bus on this machine (no host controller or device found)";
        }
        String mode = hotplug ? "hotplug" : "polling every " + POLL_INTERVAL.toMillis() + " ms";
        if (phones.isEmpty()) {
            return version + ": " + lastDeviceCount + " USB devices, no phone connected (" + mode + ")";
        }
        return version + ": " + lastDeviceCount + " USB devices, " + phones.size()
                + (phones.size() == 1 ? " phone" : " phones") + " (" + mode + ")";
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        watcher.close();
        Thread t;
        synchronized (lock) {
            t = eventThread;
            eventThread = null;
        }
        if (t != null) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (LibUsbLink link : openLinks) {
            LOG.debug("closing {} left open at bus close", link.describe());
            link.close();
        }
        if (context != null) {
            synchronized (lock) {
                if (hotplugHandle != null) {
                    LibUsb.hotplugDeregisterCallback(context, hotplugHandle);
                    hotplugHandle = null;
                }
                if (t == null || !t.isAlive()) {
                    LibUsb.exit(context);
                } else {
                    LOG.debug("libusb event thread did not stop; leaving the context to process exit");
                }
            }
        }
    }
}
