package dev.lumiaagent.sim;

import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.capture.CaptureFormatException;
import dev.lumiaagent.transport.capture.UsbmonPcapReader;
import dev.lumiaagent.transport.capture.UsbmonRecord;
import dev.lumiaagent.transport.discovery.Personality;
import dev.lumiaagent.transport.discovery.PersonalityTable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A usbmon capture turned into what a replayed phone must do: its enumerations in order (one per device
 * address: a phone that changes mode re-enumerates at a new address), each with its USB identity and its
 * completed bulk transfers in the order the host saw them complete.
 *
 * <p>The identity rule: the device descriptor and the iManufacturer / iProduct / iSerialNumber strings
 * from GET_DESCRIPTOR exchanges in the capture (our {@code --capture} writes them at each enumeration; a
 * usbmon capture that saw the phone enumerate has them too), classified by the personality table. Without
 * a device descriptor the personality comes from the first bulk bytes: a host {@code {} (Nokia JSON-RPC)
 * is a phone in normal mode (0421:0661), a host {@code NOK} a UEFI app (0421:066E "NOKIA BOOTMGR"), a phone
 * that speaks first with Sahara HELLO (command 0x01) or a host {@code <?xml} (Firehose) a Qualcomm 9008
 * (05C6:9008 "QHSUSB__BULK"). Anything else is refused by name.
 *
 * <p>One phone per capture: every address is taken as an enumeration of the same phone. Transfers that
 * failed (a read that timed out, a write to a phone that left) are not part of the script.
 */
public final class ReplayScript {
    /** One completed bulk transfer. {@code data} may be shorter than {@code length} when the snap length cut it. */
    public record Transfer(int index, boolean in, int length, byte[] data) {
        public boolean truncated() {
            return data.length < length;
        }

        public String describe() {
            return "transfer " + index + " (" + (in ? "phone → host" : "host → phone") + ", " + length + " bytes)";
        }
    }

    /** One enumeration of the phone: what it presents and what crosses its bulk endpoints. */
    public record Enumeration(int bus, int devnum, int vid, int pid, String manufacturer, String product, String serial,
                              Personality personality, String identitySource, List<Transfer> transfers) {
        public UsbDevice deviceAt(PortPath port) {
            return new UsbDevice(port, vid, pid, manufacturer, product, serial, List.of(0), personality);
        }
    }

    private final Path file;
    private final List<Enumeration> enumerations;

    private ReplayScript(Path file, List<Enumeration> enumerations) {
        this.file = file;
        this.enumerations = List.copyOf(enumerations);
    }

    public Path file() {
        return file;
    }

    public List<Enumeration> enumerations() {
        return enumerations;
    }

    /** Reads {@code file}; a file that is no usbmon pcap, is cut short or has no phone in it is a {@link CaptureFormatException}. */
    public static ReplayScript read(Path file) {
        return of(file, UsbmonPcapReader.read(file));
    }

    static ReplayScript of(Path file, List<UsbmonRecord> records) {
        Map<Long, UsbmonRecord> submissions = new HashMap<>();
        Map<Integer, Builder> byAddress = new LinkedHashMap<>();
        int index = 0;
        for (UsbmonRecord r : records) {
            int address = r.busnum() << 8 | r.devnum();
            if (r.type() == 'S') {
                submissions.put(r.id(), r);
                continue;
            }
            UsbmonRecord s = submissions.remove(r.id());
            if (r.type() != 'C' || r.status() != 0) {
                continue;
            }
            Builder b = byAddress.computeIfAbsent(address, a -> new Builder(r.busnum(), r.devnum()));
            if (r.transferType() == UsbmonRecord.CONTROL && s != null && s.setup() != null) {
                b.descriptor(s.setup(), r.data());
            } else if (r.transferType() == UsbmonRecord.BULK) {
                if (r.in()) {
                    b.transfers.add(new Transfer(++index, true, r.dataLength(), r.data()));
                } else if (s != null) {
                    b.transfers.add(new Transfer(++index, false, r.urbLength(), s.data()));
                }
            }
        }
        List<Enumeration> out = new ArrayList<>();
        for (Builder b : byAddress.values()) {
            if (!b.transfers.isEmpty() || b.vid >= 0) {
                out.add(b.build(file));
            }
        }
        if (out.isEmpty()) {
            throw new CaptureFormatException(file + " holds no completed USB transfer of a phone: nothing to replay");
        }
        return new ReplayScript(file, out);
    }

    private static final class Builder {
        final int bus;
        final int devnum;
        int vid = -1;
        int pid = -1;
        int iManufacturer;
        int iProduct;
        int iSerial;
        final Map<Integer, String> strings = new HashMap<>();
        final List<Transfer> transfers = new ArrayList<>();

        Builder(int bus, int devnum) {
            this.bus = bus;
            this.devnum = devnum;
        }

        /** A GET_DESCRIPTOR answer (USB 2.0 §9.4.3: bRequest 6, wValue = type << 8 | index). */
        void descriptor(byte[] setup, byte[] data) {
            if ((setup[0] & 0xFF) != 0x80 || setup[1] != 6) {
                return;
            }
            int type = setup[3] & 0xFF;
            int idx = setup[2] & 0xFF;
            if (type == 1 && data.length >= 17) { // device descriptor, §9.6.1
                ByteBuffer d = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
                vid = d.getShort(8) & 0xFFFF;
                pid = d.getShort(10) & 0xFFFF;
                iManufacturer = data[14] & 0xFF;
                iProduct = data[15] & 0xFF;
                iSerial = data[16] & 0xFF;
            } else if (type == 3 && idx != 0 && data.length >= 2) { // string descriptor, §9.6.7
                int n = Math.min(data.length, data[0] & 0xFF);
                strings.put(idx, new String(data, 2, Math.max(0, n - 2) & ~1, StandardCharsets.UTF_16LE));
            }
        }

        Enumeration build(Path file) {
            if (vid >= 0) {
                String product = strings.getOrDefault(iProduct, "");
                Personality p = PersonalityTable.standard().classify(vid, pid, product, List.of()).orElse(null);
                if (p != null) {
                    return new Enumeration(bus, devnum, vid, pid, strings.getOrDefault(iManufacturer, ""), product,
                            strings.getOrDefault(iSerial, ""), p, "its device descriptor", transfers);
                }
            }
            return byFirstBytes(file);
        }

        private Enumeration byFirstBytes(Path file) {
            if (transfers.isEmpty()) {
                throw new CaptureFormatException(file + ": device " + bus + "." + devnum + " has no descriptor the agent knows and no "
                        + "transfer to tell what it is");
            }
            Transfer first = transfers.get(0);
            String head = new String(first.data(), 0, Math.min(5, first.data().length), StandardCharsets.ISO_8859_1);
            int vid;
            int pid;
            String product;
            if (!first.in() && head.startsWith("{")) {
                vid = 0x0421;
                pid = 0x0661;
                product = "";
            } else if (!first.in() && head.startsWith("NOK")) {
                vid = 0x0421;
                pid = 0x066E;
                product = "NOKIA BOOTMGR";
            } else if ((first.in() && first.data().length >= 4 && first.data()[0] == 1 && first.data()[1] == 0
                    && first.data()[2] == 0 && first.data()[3] == 0) || (!first.in() && head.startsWith("<?xml"))) {
                vid = 0x05C6;
                pid = 0x9008;
                product = "QHSUSB__BULK";
            } else {
                throw new CaptureFormatException(file + ": cannot tell which phone device " + bus + "." + devnum + " is: no device "
                        + "descriptor, and its first bytes are not JSON-RPC, NOK…, Sahara HELLO or Firehose XML");
            }
            Personality p = PersonalityTable.standard().classify(vid, pid, product, List.of()).orElseThrow();
            return new Enumeration(bus, devnum, vid, pid, "", product, "", p, "its first bytes", transfers);
        }
    }
}
