package dev.lumiaagent.transport.usb;

import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.LinkOptions;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.TransferTimeout;
import dev.lumiaagent.transport.TransportException;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.ZlpPolicy;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Runs in a child JVM under umockdev-run and drives {@link LibUsbBus} / {@link LibUsbLink} as the
 * agent would, printing one {@code PROBE } line per fact for the test to check.
 *
 * <pre>
 * list
 * exchange PORT [zlp=never] [if=N] [timeout=MS] (out:HEX | outparts:HEX,HEX... | in:BUFLEN)...
 * </pre>
 */
public final class LibUsbProbe {
    private LibUsbProbe() {
    }

    public static void main(String[] args) {
        try (LibUsbBus bus = new LibUsbBus()) {
            say("DESCRIBE " + bus.describe());
            if (args.length == 0 || args[0].equals("list")) {
                for (UsbDevice d : bus.devices()) {
                    say("DEVICE " + d.port() + " " + d.vidPid() + " " + d.personality().mode() + " |" + d.manufacturer()
                            + "|" + d.product() + "|" + d.serial() + "| if" + d.interfaces());
                }
                return;
            }
            if (args[0].equals("exchange")) {
                exchange(bus, Arrays.copyOfRange(args, 1, args.length));
                return;
            }
            say("USAGE unknown command " + args[0]);
            System.exit(2);
        }
    }

    private static void exchange(LibUsbBus bus, String[] args) {
        PortPath port = PortPath.parse(args[0]);
        LinkOptions options = LinkOptions.defaults();
        Duration timeout = Duration.ofMillis(1500);
        UsbDevice device = bus.devices().stream().filter(d -> d.port().equals(port)).findFirst().orElse(null);
        if (device == null) {
            say("ERROR NotListed " + port);
            return;
        }
        int i = 1;
        for (; i < args.length && !args[i].startsWith("out:") && !args[i].startsWith("outparts:") && !args[i].startsWith("in:"); i++) {
            if (args[i].equals("zlp=never")) {
                options = options.withZlp(ZlpPolicy.NEVER);
            } else if (args[i].startsWith("if=")) {
                options = options.withInterface(Integer.parseInt(args[i].substring(3)));
            } else if (args[i].startsWith("timeout=")) {
                timeout = Duration.ofMillis(Long.parseLong(args[i].substring(8)));
            }
        }
        try (Link link = bus.open(device, options)) {
            say("LINK " + link.describe() + " max=" + link.maxPacketSize() + " boundaries=" + link.keepsBoundaries());
            for (; i < args.length; i++) {
                if (args[i].startsWith("outparts:")) {
                    // One message in parts: a gathering write, as NokSession sends a NOKXFS payload.
                    String[] hex = args[i].substring(9).split(",", -1);
                    ByteBuffer[] parts = new ByteBuffer[hex.length];
                    int total = 0;
                    for (int k = 0; k < hex.length; k++) {
                        parts[k] = ByteBuffer.wrap(HexFormat.of().parseHex(hex[k]));
                        total += parts[k].remaining();
                    }
                    link.write(parts, timeout);
                    say("OUT " + total + " in " + hex.length + " parts");
                } else if (args[i].startsWith("out:")) {
                    byte[] data = HexFormat.of().parseHex(args[i].substring(4));
                    link.write(ByteBuffer.wrap(data), timeout);
                    say("OUT " + data.length);
                } else {
                    ByteBuffer dst = ByteBuffer.allocate(Integer.parseInt(args[i].substring(3)));
                    int n = link.read(dst, timeout);
                    say("IN " + n + " " + HexFormat.of().withUpperCase().formatHex(dst.array(), 0, n));
                }
            }
            say("DONE");
        } catch (TransferTimeout e) {
            say("ERROR TransferTimeout " + e.direction() + " moved=" + e.bytesMoved());
        } catch (TransportException e) {
            say("ERROR " + e.getClass().getSimpleName() + " " + e.getMessage() + " | " + e.nextStep());
        }
    }

    private static void say(String line) {
        System.out.println("PROBE " + line);
        System.out.flush();
    }
}
