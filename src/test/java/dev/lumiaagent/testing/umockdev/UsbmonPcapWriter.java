package dev.lumiaagent.testing.umockdev;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a usbmon capture (pcap, link type 220 {@code LINKTYPE_USB_LINUX_MMAPPED}) that umockdev
 * replays against the usbfs URBs a process submits (usb-testing.md §1). Every exchange is a submit
 * ('S') record and a completion ('C') record with the same URB id. umockdev matches an OUT submit
 * byte for byte, and an IN submit by endpoint and the host's buffer length, so the capture is a strict
 * oracle: the host must send exactly these bytes in exactly this order.
 *
 * <p>Record layout (64-byte header, host byte order = little endian on the machines we run on):
 * id u64, event u8, transfer type u8, endpoint u8, device u8, bus u16, setup flag u8, data flag u8,
 * ts_sec i64, ts_usec i32, status i32, urb_len u32, data_len u32, setup[8], interval i32,
 * start_frame i32, transfer_flags u32, iso_numdesc u32, then data_len bytes.
 */
public final class UsbmonPcapWriter {
    public static final int LINKTYPE_USB_LINUX_MMAPPED = 220;
    private static final int TYPE_CONTROL = 2;
    private static final int TYPE_BULK = 3;

    private final int bus;
    private final int device;
    private final List<byte[]> records = new ArrayList<>();
    private long nextId = 0xffff_8880_0000_1000L;
    private long micros = 1_000;

    public UsbmonPcapWriter(int bus, int device) {
        this.bus = bus;
        this.device = device;
    }

    /** A standard GET_DESCRIPTOR(STRING) control read, as libusb_get_string_descriptor_ascii issues it. */
    public UsbmonPcapWriter stringDescriptor(int index, int langId, byte[] descriptor) {
        byte[] setup = {(byte) 0x80, 0x06, (byte) index, 0x03, (byte) langId, (byte) (langId >> 8), (byte) 0xFF, 0x00};
        return controlIn(setup, 255, descriptor);
    }

    /** The language-ID table (string index 0) with US English, then the UTF-16LE string at {@code index}. */
    public UsbmonPcapWriter asciiString(int index, String text) {
        stringDescriptor(0, 0, new byte[] {4, 3, 0x09, 0x04});
        return stringDescriptor(index, 0x0409, UsbDescriptors.string(text));
    }

    public UsbmonPcapWriter controlIn(byte[] setup, int wLength, byte[] reply) {
        long id = nextId++;
        record(id, 'S', TYPE_CONTROL, 0x80, setup, wLength, new byte[0]);
        record(id, 'C', TYPE_CONTROL, 0x80, null, reply.length, reply);
        return this;
    }

    /** The host sends {@code data} on OUT endpoint {@code endpoint}; the device accepts all of it. */
    public UsbmonPcapWriter bulkOut(int endpoint, byte[] data) {
        long id = nextId++;
        record(id, 'S', TYPE_BULK, endpoint & 0x7F, null, data.length, data);
        record(id, 'C', TYPE_BULK, endpoint & 0x7F, null, data.length, new byte[0]);
        return this;
    }

    /** The host submits a read of {@code hostBufferLength} bytes; the device answers {@code data}. */
    public UsbmonPcapWriter bulkIn(int endpoint, int hostBufferLength, byte[] data) {
        long id = nextId++;
        record(id, 'S', TYPE_BULK, endpoint | 0x80, null, hostBufferLength, new byte[0]);
        record(id, 'C', TYPE_BULK, endpoint | 0x80, null, data.length, data);
        return this;
    }

    private void record(long id, char event, int type, int endpoint, byte[] setup, int urbLen, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(64 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(id);
        b.put((byte) event).put((byte) type).put((byte) endpoint).put((byte) device);
        b.putShort((short) bus);
        b.put(setup != null ? (byte) 0 : (byte) '-');
        // data flag 0 = "data captured"; '<' / '>' mark records without data (IN submit, OUT completion)
        b.put(data.length > 0 ? (byte) 0 : (byte) ((endpoint & 0x80) != 0 ? '<' : '>'));
        micros += 100; // small steps: umockdev replays in order and watches the recorded timing
        b.putLong(micros / 1_000_000);
        b.putInt((int) (micros % 1_000_000));
        b.putInt(event == 'S' ? -115 : 0); // -EINPROGRESS on submit, as usbmon records it
        b.putInt(urbLen);
        b.putInt(data.length);
        b.put(setup != null ? setup : new byte[8]);
        b.putInt(0).putInt(0).putInt(0).putInt(0);
        b.put(data);
        records.add(b.array());
    }

    public void writeTo(Path file) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        head.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(65535).putInt(LINKTYPE_USB_LINUX_MMAPPED);
        int total = 24;
        for (byte[] r : records) {
            total += 16 + r.length;
        }
        ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        out.put(head.array());
        for (byte[] r : records) {
            // the pcap record time is the usbmon header's own time (ts_sec at 16, ts_usec at 24)
            ByteBuffer h = ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN);
            out.putInt((int) h.getLong(16)).putInt(h.getInt(24)).putInt(r.length).putInt(r.length);
            out.put(r);
        }
        Files.write(file, out.array());
    }
}
