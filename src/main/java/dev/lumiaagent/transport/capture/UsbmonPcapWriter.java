package dev.lumiaagent.transport.capture;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes a classic pcap file (not pcapng) of link type 220, {@code LINKTYPE_USB_LINUX_MMAPPED}, which
 * Wireshark and tshark open as a Linux usbmon capture.
 *
 * <p>File header (pcap-savefile(5), tcpdump.org "LINK-LAYER HEADER TYPES"): magic 0xA1B2C3D4 written in
 * the writer's byte order, version 2.4, thiszone 0, sigfigs 0, snaplen, network 220. Every record: ts_sec,
 * ts_usec, incl_len, orig_len, then the 64-byte usbmon header and the data. The header's multi-byte
 * fields are in the byte order of the host that captured (Guy Harris on wireshark-dev, 2010-10: "with all
 * multi-byte integral quantities in *host* byte order"), and the magic tells a reader which; we always
 * write little-endian so a file is the same bytes on every machine.
 *
 * <p>usbmon header offsets (Documentation/usb/usbmon.rst, {@code struct usbmon_packet}): 0 id (u64),
 * 8 type, 9 xfer_type, 10 epnum, 11 devnum, 12 busnum (u16), 14 flag_setup, 15 flag_data, 16 ts_sec (s64),
 * 24 ts_usec (s32), 28 status (s32), 32 length (u32), 36 len_cap (u32), 40 setup[8] (or ISO counts),
 * 48 interval, 52 start_frame, 56 xfer_flags, 60 ndesc.
 *
 * <p>A transfer longer than the snap length keeps its true {@code length} / {@code len_cap} and pcap
 * {@code orig_len}; only {@code incl_len} and the bytes stored are cut, the way libpcap cuts a packet,
 * so Wireshark marks it "[Packet size limited during capture]" instead of showing a wrong length.
 * Not thread-safe: {@link UsbmonCapture} serialises callers.
 */
public final class UsbmonPcapWriter implements Closeable {
    public static final int MAGIC = 0xA1B2C3D4;
    public static final int LINKTYPE_USB_LINUX_MMAPPED = 220;
    public static final int HEADER_BYTES = 64;
    public static final int FILE_HEADER_BYTES = 24;
    public static final int RECORD_HEADER_BYTES = 16;
    /** tcpdump's and Wireshark's default snap length; a 2.25 MiB flash message keeps its first 256 KiB. */
    public static final int DEFAULT_SNAPLEN = 262_144;
    /** flag_setup / flag_data values that say "not present" (usbmon.rst text format, same characters in binary). */
    static final byte NO_SETUP = '-';
    static final byte NO_DATA_IN = '<';
    static final byte NO_DATA_OUT = '>';

    private final OutputStream out;
    private final int snaplen;
    private final ByteBuffer head = ByteBuffer.allocate(RECORD_HEADER_BYTES + HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);

    /** Writes the file header at once. {@code snaplen} counts the 64-byte header too, as pcap's does. */
    public UsbmonPcapWriter(OutputStream out, int snaplen) throws IOException {
        if (snaplen < HEADER_BYTES) {
            throw new IllegalArgumentException("a usbmon snap length holds at least the 64-byte header, not " + snaplen);
        }
        this.out = out;
        this.snaplen = snaplen;
        out.write(fileHeader(snaplen));
    }

    public int snaplen() {
        return snaplen;
    }

    /** How many data bytes a record can keep under this snap length. */
    public int dataRoom() {
        return snaplen - HEADER_BYTES;
    }

    /** The 24-byte pcap file header. */
    public static byte[] fileHeader(int snaplen) {
        ByteBuffer b = ByteBuffer.allocate(FILE_HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(snaplen)
                .putInt(LINKTYPE_USB_LINUX_MMAPPED);
        return b.array();
    }

    /** The 64-byte usbmon header of {@code r}, little-endian. */
    public static byte[] usbmonHeader(UsbmonRecord r) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        putUsbmonHeader(b, r);
        return b.array();
    }

    private static void putUsbmonHeader(ByteBuffer b, UsbmonRecord r) {
        b.putLong(r.id());
        b.put((byte) r.type());
        b.put((byte) r.transferType());
        b.put((byte) r.endpoint());
        b.put((byte) r.devnum());
        b.putShort((short) r.busnum());
        b.put(r.setup() != null ? 0 : NO_SETUP);
        // flag_data 0 = data follows; otherwise the direction character usbmon uses for "no data here"
        b.put(r.dataLength() > 0 ? 0 : r.in() ? NO_DATA_IN : NO_DATA_OUT);
        b.putLong(r.tsSec());
        b.putInt(r.tsUsec());
        b.putInt(r.status());
        b.putInt(r.urbLength());
        b.putInt(r.dataLength());
        b.put(r.setup() != null ? r.setup() : new byte[8]);
        b.putInt(0); // interval: only for interrupt and isochronous
        b.putInt(0); // start_frame: isochronous only
        b.putInt(0); // xfer_flags: libusb's URB flags are not visible above libusb
        b.putInt(0); // ndesc: isochronous only
    }

    /** Appends one record: its data are {@code r.data()}, already cut to {@link #dataRoom()} by the caller or here. */
    public void write(UsbmonRecord r) throws IOException {
        int kept = Math.min(r.data().length, dataRoom());
        head.clear();
        head.putInt((int) r.tsSec()).putInt(r.tsUsec()).putInt(HEADER_BYTES + kept).putInt(HEADER_BYTES + r.dataLength());
        putUsbmonHeader(head, r);
        out.write(head.array(), 0, head.position());
        out.write(r.data(), 0, kept);
    }

    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
