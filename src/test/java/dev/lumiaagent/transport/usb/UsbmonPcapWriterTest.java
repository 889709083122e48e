package dev.lumiaagent.transport.usb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.testing.umockdev.UsbmonPcapWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The capture layout umockdev's replay reads: pcap global header, then 64-byte usbmon headers + data. */
class UsbmonPcapWriterTest {
    @TempDir
    Path dir;

    @Test
    void writesSubmitAndCompletionRecordsForBulkOutAndIn() throws Exception {
        Path file = dir.resolve("x.pcap");
        new UsbmonPcapWriter(1, 4).bulkOut(0x01, new byte[] {'N', 'O', 'K', 'V'}).bulkIn(0x81, 4096, new byte[] {9, 8, 7})
                .writeTo(file);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);

        assertThat(b.getInt(0)).isEqualTo(0xa1b2c3d4);
        assertThat(b.getInt(20)).isEqualTo(220);
        int at = 24;
        // OUT submit: 64 + 4 data bytes, endpoint 0x01, urb_len = data_len = 4
        assertThat(b.getInt(at + 8)).isEqualTo(68);
        int h = at + 16;
        assertThat((char) b.get(h + 8)).isEqualTo('S');
        assertThat(b.get(h + 9)).isEqualTo((byte) 3);
        assertThat(b.get(h + 10)).isEqualTo((byte) 0x01);
        assertThat(b.get(h + 11)).isEqualTo((byte) 4);
        assertThat(b.getShort(h + 12)).isEqualTo((short) 1);
        assertThat(b.getInt(h + 32)).isEqualTo(4);
        assertThat(b.getInt(h + 36)).isEqualTo(4);
        assertThat(new String(new byte[] {b.get(h + 64), b.get(h + 65), b.get(h + 66), b.get(h + 67)})).isEqualTo("NOKV");
        long outId = b.getLong(h);
        // OUT completion: same URB id, no data
        at = h + 68;
        h = at + 16;
        assertThat(b.getLong(h)).isEqualTo(outId);
        assertThat((char) b.get(h + 8)).isEqualTo('C');
        assertThat(b.getInt(h + 36)).isZero();
        // IN submit asks for the host's buffer length; the completion carries the device's bytes
        at = h + 64;
        h = at + 16;
        assertThat(b.get(h + 10)).isEqualTo((byte) 0x81);
        assertThat(b.getInt(h + 32)).isEqualTo(4096);
        at = h + 64;
        h = at + 16;
        assertThat(b.getInt(h + 32)).isEqualTo(3);
        assertThat(b.get(h + 64)).isEqualTo((byte) 9);
        assertThat(h + 64 + 3).isEqualTo(b.capacity());
    }
}
