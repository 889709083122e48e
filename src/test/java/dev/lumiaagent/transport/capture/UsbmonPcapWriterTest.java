package dev.lumiaagent.transport.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden bytes for the pcap writer, computed by hand from the public layouts: pcap-savefile(5) for the
 * file and record headers, Documentation/usb/usbmon.rst ("Raw binary format and API", struct
 * usbmon_packet) for the 64-byte usbmon header, little-endian as our writer always writes.
 */
class UsbmonPcapWriterTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    @Test
    void fileHeaderIsClassicPcapOfLinkType220() {
        assertArrayEquals(hex("D4C3B2A1 0200 0400 00000000 00000000 00000400 DC000000"), UsbmonPcapWriter.fileHeader(262_144));
    }

    @Test
    void bulkOutSubmissionHeaderByHand() {
        UsbmonRecord r = new UsbmonRecord(1, 'S', 3, 0x01, 2, 1, null, 1_700_000_000L, 123_456, -115, 4, 4,
                "NOKV".getBytes(StandardCharsets.US_ASCII));
        String golden = ""
                + "0100000000000000"   //  0 id
                + "53" + "03" + "01" + "02" //  8 type 'S', 9 xfer bulk, 10 ep 0x01 (OUT), 11 devnum 2
                + "0100"               // 12 busnum 1
                + "2D" + "00"          // 14 flag_setup '-' (no setup), 15 flag_data 0 (data present)
                + "00F1536500000000"   // 16 ts_sec 1700000000 = 0x6553F100
                + "40E20100"           // 24 ts_usec 123456 = 0x1E240
                + "8DFFFFFF"           // 28 status -115 (-EINPROGRESS, a submission)
                + "04000000"           // 32 length (urb) 4
                + "04000000"           // 36 len_cap 4
                + "0000000000000000"   // 40 setup (unused)
                + "00000000" + "00000000" + "00000000" + "00000000"; // 48 interval, start_frame, xfer_flags, ndesc
        assertArrayEquals(hex(golden), UsbmonPcapWriter.usbmonHeader(r));
        assertEquals(64, UsbmonPcapWriter.usbmonHeader(r).length);
    }

    @Test
    void bulkInCompletionIsARecordWithHeaderThenData() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        UsbmonPcapWriter w = new UsbmonPcapWriter(out, 262_144);
        w.write(new UsbmonRecord(7, 'C', 3, 0x81, 5, 2, null, 16, 1, 0, 3, 3, new byte[] {0x4E, 0x4F, 0x4B}));
        w.close();
        byte[] all = out.toByteArray();
        byte[] record = Arrays.copyOfRange(all, 24, all.length);
        String golden = ""
                + "10000000" + "01000000" + "43000000" + "43000000" // pcap: ts_sec 16, ts_usec 1, incl 67, orig 67
                + "0700000000000000" + "43" + "03" + "81" + "05" + "0200" + "2D" + "00"
                + "1000000000000000" + "01000000" + "00000000" + "03000000" + "03000000"
                + "0000000000000000" + "00000000000000000000000000000000"
                + "4E4F4B";
        assertArrayEquals(hex(golden), record);
    }

    @Test
    void snapLengthCutsTheStoredBytesButKeepsTheTrueLengths() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        UsbmonPcapWriter w = new UsbmonPcapWriter(out, 64 + 10);
        byte[] big = new byte[100];
        Arrays.fill(big, (byte) 0xAB);
        w.write(new UsbmonRecord(1, 'S', 3, 0x01, 2, 1, null, 0, 0, -115, 100, 100, Arrays.copyOf(big, 10)));
        w.close();
        byte[] all = out.toByteArray();
        assertEquals(24 + 16 + 64 + 10, all.length);
        List<UsbmonRecord> back = UsbmonPcapReader.read(all, "t.pcap");
        assertEquals(100, back.get(0).urbLength());
        assertEquals(100, back.get(0).dataLength());
        assertEquals(10, back.get(0).data().length);
        assertTrue(back.get(0).truncated());
    }

    @Test
    void readsBackWhatItWrote() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        UsbmonPcapWriter w = new UsbmonPcapWriter(out, 262_144);
        UsbmonRecord s = new UsbmonRecord(9, 'S', 2, 0x80, 3, 1, hex("8006000100001200"), 5, 6, -115, 18, 0, null);
        UsbmonRecord c = new UsbmonRecord(9, 'C', 3, 0x81, 3, 1, null, 5, 7, 0, 2, 2, new byte[] {1, 2});
        w.write(s);
        w.write(c);
        w.close();
        assertEquals(List.of(s, c), UsbmonPcapReader.read(out.toByteArray(), "t.pcap"));
    }

    @Test
    void badInputIsANamedError() throws Exception {
        CaptureFormatException e = assertThrows(CaptureFormatException.class,
                () -> UsbmonPcapReader.read("hello world, not a pcap".getBytes(StandardCharsets.US_ASCII), "x.pcap"));
        assertTrue(e.getMessage().contains("not a pcap file"), e.getMessage());
        byte[] ethernet = UsbmonPcapWriter.fileHeader(65535);
        ethernet[20] = 1;
        e = assertThrows(CaptureFormatException.class, () -> UsbmonPcapReader.read(ethernet, "eth.pcap"));
        assertTrue(e.getMessage().contains("link type 1,"), e.getMessage());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        UsbmonPcapWriter w = new UsbmonPcapWriter(out, 262_144);
        w.write(new UsbmonRecord(1, 'C', 3, 0x81, 2, 1, null, 0, 0, 0, 8, 8, new byte[8]));
        w.close();
        byte[] cut = Arrays.copyOf(out.toByteArray(), out.size() - 3);
        e = assertThrows(CaptureFormatException.class, () -> UsbmonPcapReader.read(cut, "cut.pcap"));
        assertTrue(e.getMessage().contains("cut short: record 1 at byte 24"), e.getMessage());
    }
}
