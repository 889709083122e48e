package dev.lumiaagent.transport.usb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.transport.ZlpPolicy;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure rules behind {@link LibUsbLink} and interface choice; the libusb paths run under umockdev. */
class LibUsbLinkRulesTest {

    @Test
    void chunksAreAtMostOneMebibyteAndWholePackets() {
        assertThat(LibUsbLink.chunkSize(512)).isEqualTo(1024 * 1024);
        assertThat(LibUsbLink.chunkSize(1024)).isEqualTo(1024 * 1024);
        assertThat(LibUsbLink.chunkSize(1000)).isEqualTo(1048000).isLessThanOrEqualTo(1024 * 1024);
        assertThat(LibUsbLink.chunkSize(64) % 64).isZero();
    }

    @Test
    void zlpOnlyAfterANonZeroMultipleOfThePacketSizeWhenAskedFor() {
        assertThat(LibUsbLink.needsZlp(512, 512, ZlpPolicy.TERMINATE_OUT)).isTrue();
        assertThat(LibUsbLink.needsZlp(3 * 1024 * 1024, 512, ZlpPolicy.TERMINATE_OUT)).isTrue();
        assertThat(LibUsbLink.needsZlp(0, 512, ZlpPolicy.TERMINATE_OUT)).isFalse();
        assertThat(LibUsbLink.needsZlp(48, 512, ZlpPolicy.TERMINATE_OUT)).isFalse();
        assertThat(LibUsbLink.needsZlp(512, 512, ZlpPolicy.NEVER)).isFalse();
        assertThat(LibUsbLink.needsZlp(512, 1024, ZlpPolicy.TERMINATE_OUT)).isFalse();
    }

    @Test
    void timeoutsAreExplicitMillisecondsNeverZero() {
        assertThat(LibUsbLink.millis(Duration.ofMillis(1500))).isEqualTo(1500);
        assertThat(LibUsbLink.millis(Duration.ZERO)).isEqualTo(1); // 0 would mean "wait forever" to libusb
        assertThat(LibUsbLink.millis(Duration.ofNanos(10))).isEqualTo(1);
        assertThat(LibUsbLink.millis(Duration.ofDays(365))).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void interfaceChoiceHonoursTheRequestThenPrefersVendorClass() {
        LibUsbBus.BulkPair mtp = new LibUsbBus.BulkPair(0, 0x81, 0x01, 512, 6);
        LibUsbBus.BulkPair vendor = new LibUsbBus.BulkPair(2, 0x82, 0x02, 512, 0xFF);
        LibUsbBus.BulkPair vendor2 = new LibUsbBus.BulkPair(3, 0x83, 0x03, 512, 0xFF);
        List<LibUsbBus.BulkPair> pairs = List.of(mtp, vendor, vendor2);

        assertThat(LibUsbBus.pick(pairs, -1)).contains(vendor);
        assertThat(LibUsbBus.pick(pairs, 3)).contains(vendor2);
        assertThat(LibUsbBus.pick(pairs, 0)).contains(mtp);
        assertThat(LibUsbBus.pick(pairs, 4)).isEmpty();
        assertThat(LibUsbBus.pick(List.of(mtp), -1)).contains(mtp);
    }

    @Test
    void hexLogShowsAtMostSixtyFourBytes() {
        ByteBuffer b = ByteBuffer.allocate(100);
        b.put(0, (byte) 0x4E).put(1, (byte) 0xAB);
        String hex = LibUsbLink.hex(b);
        assertThat(hex).startsWith("4eab").endsWith("…").hasSize(129);
        assertThat(b.position()).isZero();
        assertThat(LibUsbLink.hex(ByteBuffer.wrap(new byte[] {1, 2}))).isEqualTo("0102");
    }
}
