package dev.lumiaagent.testing.umockdev;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** USB standard descriptors as bytes (USB 2.0 §9.6), for umockdev device files and captures. */
public final class UsbDescriptors {
    private UsbDescriptors() {
    }

    /** One interface with a bulk IN and a bulk OUT endpoint. */
    public record BulkInterface(int number, int ifClass, int subClass, int protocol, int inEndpoint, int outEndpoint,
                                int maxPacket) {
    }

    /**
     * The 18-byte device descriptor followed by one configuration descriptor holding the interfaces.
     * String indexes: 1 manufacturer, 2 product, 3 serial (0 when {@code hasSerial} is false).
     */
    public static byte[] deviceAndConfig(int vid, int pid, int deviceClass, boolean hasSerial, BulkInterface... interfaces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {18, 1, 0x00, 0x02, (byte) deviceClass, 0, (byte) (deviceClass == 9 ? 1 : 0), 64,
                (byte) vid, (byte) (vid >> 8), (byte) pid, (byte) (pid >> 8), 0x00, 0x01, 1, 2, (byte) (hasSerial ? 3 : 0), 1});
        int total = 9;
        for (BulkInterface i : interfaces) {
            total += 9 + 7 + 7;
        }
        if (interfaces.length == 0) {
            total += 9 + 7; // a hub: one interface, one interrupt endpoint
        }
        out.writeBytes(new byte[] {9, 2, (byte) total, (byte) (total >> 8), (byte) Math.max(1, interfaces.length), 1, 0,
                (byte) 0x80, 50});
        if (interfaces.length == 0) {
            out.writeBytes(new byte[] {9, 4, 0, 0, 1, 9, 0, 0, 0});
            out.writeBytes(new byte[] {7, 5, (byte) 0x81, 3, 1, 0, 12});
        }
        for (BulkInterface i : interfaces) {
            out.writeBytes(new byte[] {9, 4, (byte) i.number(), 0, 2, (byte) i.ifClass(), (byte) i.subClass(), (byte) i.protocol(), 0});
            out.writeBytes(new byte[] {7, 5, (byte) (i.inEndpoint() | 0x80), 2, (byte) i.maxPacket(), (byte) (i.maxPacket() >> 8), 0});
            out.writeBytes(new byte[] {7, 5, (byte) (i.outEndpoint() & 0x7F), 2, (byte) i.maxPacket(), (byte) (i.maxPacket() >> 8), 0});
        }
        return out.toByteArray();
    }

    /** A string descriptor: bLength, bDescriptorType 3, UTF-16LE text. */
    public static byte[] string(String text) {
        byte[] utf16 = text.getBytes(StandardCharsets.UTF_16LE);
        byte[] d = new byte[2 + utf16.length];
        d[0] = (byte) d.length;
        d[1] = 3;
        System.arraycopy(utf16, 0, d, 2, utf16.length);
        return d;
    }

    public static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02X", b & 0xFF));
        }
        return sb.toString();
    }

    public static byte[] unhex(String text) {
        String t = text.replaceAll("[\\s|]", "");
        byte[] out = new byte[t.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(t.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
