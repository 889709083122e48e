package dev.lumiaagent.testing.umockdev;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds a umockdev device file (the text format {@code umockdev-record} writes) describing USB root
 * hubs, hubs and devices under one PCI host controller. Device numbers are assigned per bus in the
 * order devices are added. Facts from our trials (usb-testing.md §1): the {@code N:} line is left
 * empty, the descriptors go into the {@code H: descriptors=} attribute, and libusb needs
 * {@code bConfigurationValue}, {@code busnum}, {@code devnum} and {@code speed} attributes.
 */
public final class UmockdevScript {
    public static final String CONTROLLER = "/devices/pci0000:00/0000:00:14.0";

    private final StringBuilder text = new StringBuilder();
    private final Map<Integer, Integer> nextDevnum = new HashMap<>();

    /** Where a device landed: its sysfs path (without /sys) and its address. */
    public record Placed(String sysfsPath, int bus, int devnum) {
        /** The key umockdev-run's {@code -p} option wants. */
        public String sysKey() {
            return "/sys" + sysfsPath;
        }
    }

    public Placed rootHub(int bus) {
        byte[] d = UsbDescriptors.deviceAndConfig(0x1d6b, 0x0002, 9, true);
        return add(bus, "usb" + bus, CONTROLLER + "/usb" + bus, "0", 0x1d6b, 0x0002, "Linux Foundation", "EHCI Host Controller",
                "0000:00:14.0", d, 9);
    }

    /** A hub at {@code port} (e.g. "1-2" or "1-2.3"); its parent must have been added first. */
    public Placed hub(String port) {
        byte[] d = UsbDescriptors.deviceAndConfig(0x05e3, 0x0608, 9, false);
        return add(busOf(port), port, pathOf(port), devpathOf(port), 0x05e3, 0x0608, "", "USB2.0 Hub", "", d, 9);
    }

    public Placed device(String port, int vid, int pid, String manufacturer, String product, String serial, byte[] descriptors) {
        return add(busOf(port), port, pathOf(port), devpathOf(port), vid, pid, manufacturer, product, serial, descriptors, 0);
    }

    private static int busOf(String port) {
        return Integer.parseInt(port.substring(0, port.indexOf('-')));
    }

    private static String devpathOf(String port) {
        return port.substring(port.indexOf('-') + 1);
    }

    /** /devices/…/usb1/1-2/1-2.3/1-2.3.1 */
    private static String pathOf(String port) {
        int bus = busOf(port);
        StringBuilder p = new StringBuilder(CONTROLLER).append("/usb").append(bus);
        String[] parts = devpathOf(port).split("\\.");
        StringBuilder name = new StringBuilder().append(bus).append('-');
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                name.append('.');
            }
            name.append(parts[i]);
            p.append('/').append(name);
        }
        return p.toString();
    }

    private Placed add(int bus, String name, String path, String devpath, int vid, int pid, String manufacturer,
                       String product, String serial, byte[] descriptors, int deviceClass) {
        int devnum = nextDevnum.merge(bus, 1, Integer::sum);
        String node = String.format("bus/usb/%03d/%03d", bus, devnum);
        text.append("P: ").append(path).append('\n');
        text.append("N: ").append(node).append('\n');
        text.append("E: DEVNAME=/dev/").append(node).append('\n');
        text.append("E: DEVTYPE=usb_device\n");
        text.append("E: DRIVER=usb\n");
        text.append(String.format("E: PRODUCT=%x/%x/100%n", vid, pid));
        text.append(String.format("E: TYPE=%d/0/0%n", deviceClass));
        text.append(String.format("E: BUSNUM=%03d%n", bus));
        text.append(String.format("E: DEVNUM=%03d%n", devnum));
        text.append("E: MAJOR=189\n");
        text.append("E: MINOR=").append((bus - 1) * 128 + devnum - 1).append('\n');
        text.append("E: SUBSYSTEM=usb\n");
        text.append("A: authorized=1\n");
        text.append("A: bConfigurationValue=1\n");
        text.append(String.format("A: bDeviceClass=%02x%n", deviceClass));
        text.append("A: bMaxPacketSize0=64\n");
        text.append("A: bNumConfigurations=1\n");
        text.append("A: busnum=").append(bus).append('\n');
        text.append("A: devnum=").append(devnum).append('\n');
        text.append("A: devpath=").append(devpath).append('\n');
        text.append(String.format("A: idVendor=%04x%n", vid));
        text.append(String.format("A: idProduct=%04x%n", pid));
        if (!manufacturer.isEmpty()) {
            text.append("A: manufacturer=").append(manufacturer).append('\n');
        }
        if (!product.isEmpty()) {
            text.append("A: product=").append(product).append('\n');
        }
        if (!serial.isEmpty()) {
            text.append("A: serial=").append(serial).append('\n');
        }
        text.append("A: speed=480\n");
        text.append("H: descriptors=").append(UsbDescriptors.hex(descriptors)).append('\n');
        text.append('\n');
        return new Placed(path, bus, devnum);
    }

    public String text() {
        return text.toString();
    }

    public void writeTo(Path file) throws IOException {
        Files.writeString(file, text());
    }
}
