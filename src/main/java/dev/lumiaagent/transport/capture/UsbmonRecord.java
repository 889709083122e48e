package dev.lumiaagent.transport.capture;

import java.util.Arrays;

/**
 * One usbmon event as it sits in a pcap of link type 220 ({@code LINKTYPE_USB_LINUX_MMAPPED}): the
 * 64-byte header the Linux usbmon binary interface hands out (Documentation/usb/usbmon.rst, "Raw binary
 * format and API": {@code struct usbmon_packet}) plus the data bytes that were kept.
 *
 * @param id          the URB id; a submission ('S') and its completion ('C') share it
 * @param type        'S' submission, 'C' completion, 'E' error
 * @param transferType 0 isochronous, 1 interrupt, 2 control, 3 bulk
 * @param endpoint    endpoint number with the direction bit 0x80 for IN (device to host)
 * @param setup       the 8-byte control setup packet, or null when there is none (flag_setup '-')
 * @param urbLength   usbmon's {@code length}: the URB's buffer length on a submission, the bytes moved on
 *                    a completion (true even when the file kept fewer)
 * @param dataLength  usbmon's {@code len_cap}: the data bytes that belong to this event
 * @param data        the data bytes the file holds: {@code dataLength} or fewer when the snap length cut them
 */
public record UsbmonRecord(long id, char type, int transferType, int endpoint, int devnum, int busnum, byte[] setup,
                           long tsSec, int tsUsec, int status, int urbLength, int dataLength, byte[] data) {
    public static final int BULK = 3;
    public static final int CONTROL = 2;
    public static final int IN = 0x80;

    public UsbmonRecord {
        if (type != 'S' && type != 'C' && type != 'E') {
            throw new IllegalArgumentException("usbmon event type is S, C or E, not " + type);
        }
        if (setup != null && setup.length != 8) {
            throw new IllegalArgumentException("a setup packet has 8 bytes, not " + setup.length);
        }
        data = data == null ? new byte[0] : data;
        if (data.length > dataLength) {
            throw new IllegalArgumentException("kept " + data.length + " data bytes of " + dataLength);
        }
    }

    public boolean in() {
        return (endpoint & IN) != 0;
    }

    /** True when the file holds fewer data bytes than the event carried (the snap length cut it). */
    public boolean truncated() {
        return data.length < dataLength;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UsbmonRecord r && id == r.id && type == r.type && transferType == r.transferType
                && endpoint == r.endpoint && devnum == r.devnum && busnum == r.busnum && Arrays.equals(setup, r.setup)
                && tsSec == r.tsSec && tsUsec == r.tsUsec && status == r.status && urbLength == r.urbLength
                && dataLength == r.dataLength && Arrays.equals(data, r.data);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id) * 31 + type;
    }

    @Override
    public String toString() {
        return String.format("%c %s ep 0x%02X %d:%d status %d urb %d data %d%s", type,
                transferType == BULK ? "bulk" : transferType == CONTROL ? "control" : "type " + transferType, endpoint, busnum,
                devnum, status, urbLength, dataLength, truncated() ? " (kept " + data.length + ")" : "");
    }
}
