package dev.lumiaagent.transport.capture;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a classic pcap of link type 220 ({@code LINKTYPE_USB_LINUX_MMAPPED}) into usbmon records: ours,
 * or one written by tcpdump / Wireshark / dumpcap from a real usbmon interface. Both byte orders and the
 * nanosecond magic (0xA1B23C4D) are understood (pcap-savefile(5)); pcapng and other link types are
 * refused by name, as is a file cut short anywhere.
 */
public final class UsbmonPcapReader {
    private static final int NANO_MAGIC = 0xA1B23C4D;
    private static final int LINKTYPE_USB_LINUX = 189; // the 48-byte header of older captures

    private UsbmonPcapReader() {
    }

    public static List<UsbmonRecord> read(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readAllBytes();
        } catch (NoSuchFileException e) {
            throw new CaptureFormatException("capture file not found: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the capture " + file + ": " + e.getMessage(), e);
        }
        return read(bytes, file.toString());
    }

    public static List<UsbmonRecord> read(byte[] bytes, String name) {
        if (bytes.length < UsbmonPcapWriter.FILE_HEADER_BYTES) {
            throw new CaptureFormatException(name + " is not a pcap file: " + bytes.length + " bytes, shorter than the 24-byte pcap file header");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        boolean nanos = false;
        if (magic == UsbmonPcapWriter.MAGIC || magic == NANO_MAGIC) {
            nanos = magic == NANO_MAGIC;
        } else if (Integer.reverseBytes(magic) == UsbmonPcapWriter.MAGIC || Integer.reverseBytes(magic) == NANO_MAGIC) {
            nanos = Integer.reverseBytes(magic) == NANO_MAGIC;
            b.order(ByteOrder.BIG_ENDIAN);
        } else if (magic == 0x0A0D0D0A) {
            throw new CaptureFormatException(name + " is a pcapng file; save it as classic pcap (Wireshark: File → Save As → "
                    + "\"Wireshark/tcpdump/... - pcap\", or `editcap -F pcap IN OUT`)");
        } else {
            throw new CaptureFormatException(String.format("%s is not a pcap file: it starts with 0x%08X, not the pcap magic "
                    + "0xA1B2C3D4", name, Integer.reverseBytes(magic)));
        }
        int linkType = b.getInt(20) & 0x0FFFFFFF; // the top bits may carry FCS information (pcap-savefile(5))
        if (linkType != UsbmonPcapWriter.LINKTYPE_USB_LINUX_MMAPPED) {
            throw new CaptureFormatException(name + " is a pcap of link type " + linkType
                    + (linkType == LINKTYPE_USB_LINUX ? " (LINKTYPE_USB_LINUX, the 48-byte usbmon header)" : "")
                    + ", not a usbmon capture of link type 220 (LINKTYPE_USB_LINUX_MMAPPED) as `--capture` and "
                    + "Wireshark's usbmonN interfaces write");
        }
        List<UsbmonRecord> records = new ArrayList<>();
        int at = UsbmonPcapWriter.FILE_HEADER_BYTES;
        while (at < bytes.length) {
            int n = records.size() + 1;
            if (bytes.length - at < UsbmonPcapWriter.RECORD_HEADER_BYTES) {
                throw truncated(name, n, at, "its 16-byte record header");
            }
            int incl = b.getInt(at + 8);
            if (incl < UsbmonPcapWriter.HEADER_BYTES) {
                throw new CaptureFormatException(name + ": record " + n + " at byte " + at + " holds " + incl
                        + " bytes, fewer than the 64-byte usbmon header");
            }
            int h = at + UsbmonPcapWriter.RECORD_HEADER_BYTES;
            if ((long) bytes.length - h < incl) {
                throw truncated(name, n, at, incl + " bytes of usbmon header and data");
            }
            byte flagSetup = b.get(h + 14);
            byte[] setup = null;
            if (flagSetup == 0) {
                setup = new byte[8];
                System.arraycopy(bytes, h + 40, setup, 0, 8);
            }
            int lenCap = b.getInt(h + 36);
            int kept = Math.min(incl - UsbmonPcapWriter.HEADER_BYTES, Math.max(0, lenCap));
            byte[] data = new byte[kept];
            System.arraycopy(bytes, h + UsbmonPcapWriter.HEADER_BYTES, data, 0, kept);
            int usec = b.getInt(h + 24);
            char type = (char) (b.get(h + 8) & 0xFF);
            if (type != 'S' && type != 'C' && type != 'E') {
                throw new CaptureFormatException(name + ": record " + n + " at byte " + at + " has usbmon type 0x"
                        + Integer.toHexString(type) + ", not S, C or E: not a usbmon header");
            }
            records.add(new UsbmonRecord(b.getLong(h), type, b.get(h + 9) & 0xFF, b.get(h + 10) & 0xFF,
                    b.get(h + 11) & 0xFF, b.getShort(h + 12) & 0xFFFF, setup, b.getLong(h + 16), nanos ? usec / 1000 : usec,
                    b.getInt(h + 28), b.getInt(h + 32), Math.max(lenCap, kept), data));
            at = h + incl;
        }
        return records;
    }

    private static CaptureFormatException truncated(String name, int record, int at, String what) {
        return new CaptureFormatException(name + " is cut short: record " + record + " at byte " + at + " should have "
                + what + "; the capture was not completed (was the agent killed?)");
    }
}
