package dev.lumiaagent.transport.usb;

import static dev.lumiaagent.testing.umockdev.UsbDescriptors.unhex;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.testing.RequiredTool;
import dev.lumiaagent.testing.umockdev.UmockdevRun;
import dev.lumiaagent.testing.umockdev.UmockdevScript;
import dev.lumiaagent.testing.umockdev.UsbDescriptors;
import dev.lumiaagent.testing.umockdev.UsbDescriptors.BulkInterface;
import dev.lumiaagent.testing.umockdev.UsbmonPcapWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The libusb backend for real, under umockdev (usb-testing.md §1): a child JVM sees a fake sysfs and
 * usbfs, and bulk transfers are replayed from usbmon captures we write from golden bytes. umockdev
 * matches every OUT byte, so a wrong byte, a missing ZLP or a wrong order stalls the replay and the
 * child sees a timeout.
 */
class LibUsbUmockdevTest {
    /** Sahara HELLO from the device, version 2, compatible 1, max packet 0x400, mode 0 (edl-protocol.md §2.8). */
    static final byte[] SAHARA_HELLO = unhex("01000000 30000000 02000000 01000000 00040000 00000000" + "00".repeat(24));
    /** Host HELLO_RESP, mode 0, reserved words zero (edl-protocol.md §2.8). */
    static final byte[] SAHARA_HELLO_RESP = unhex("02000000 30000000 02000000 01000000 00000000 00000000" + "00".repeat(24));
    static final byte[] NOKV = "NOKV".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** Real Lumia 520 BootMgr reply to NOKV, 25 bytes (lumia-protocols.md §3.3). */
    static final byte[] NOKV_BOOTMGR_REPLY = unhex("4E4F4B56 00 01 0101 0110 02 | 01 0004 00241000 | 04 0004 010F011C");

    static final BulkInterface EDL_IF = new BulkInterface(0, 0xFF, 0xFF, 0xFF, 1, 1, 512);
    static final String EDL_MANUFACTURER = "Qualcomm CDMA Technologies MSM";

    @TempDir
    Path dir;

    @BeforeEach
    void needUmockdev() {
        RequiredTool.require("umockdev-run", UmockdevRun.installed(), "apt-get install umockdev");
    }

    private static byte[] edlDescriptors(int pid) {
        return UsbDescriptors.deviceAndConfig(0x05C6, pid, 0, false, EDL_IF);
    }

    /** The strings LibUsbBus reads when it lists a device, in its order: manufacturer, product, serial. */
    private static UsbmonPcapWriter strings(UsbmonPcapWriter w, String manufacturer, String product, String serial) {
        w.asciiString(1, manufacturer).asciiString(2, product);
        if (!serial.isEmpty()) {
            w.asciiString(3, serial);
        }
        return w;
    }

    private UmockdevRun.Result run(UmockdevScript script, String... args) throws Exception {
        return run(script, new Object[0], args);
    }

    /** {@code replays} alternates sysfs key and pcap path. */
    private UmockdevRun.Result run(UmockdevScript script, Object[] replays, String... args) throws Exception {
        Path file = dir.resolve("bed.umockdev");
        script.writeTo(file);
        UmockdevRun r = new UmockdevRun(file).timeout(Duration.ofSeconds(60));
        for (int i = 0; i < replays.length; i += 2) {
            r.replay((String) replays[i], (Path) replays[i + 1]);
        }
        UmockdevRun.Result result = r.java(LibUsbProbe.class, args);
        if (result.exitCode() == 139 && result.stdout().isEmpty() && result.stderr().isEmpty()) {
            // Seen once on a loaded machine: the child JVM died of SIGSEGV under umockdev's preload
            // before it ran any of our code (no output at all). That is the test bed, not the code
            // under test, so it gets one more try; a crash after the probe started is still a failure.
            result = r.java(LibUsbProbe.class, args);
        }
        assertThat(result.timedOut()).as("child JVM finished within 60 s: %s", result).isFalse();
        assertThat(result.exitCode()).as("probe exit: %s", result).isZero();
        return result;
    }

    private Path pcap(String name, UsbmonPcapWriter w) throws Exception {
        Path p = dir.resolve(name);
        w.writeTo(p);
        return p;
    }

    @Test
    void enumeratesPhonesWithPersonalityPortPathAndStringsAndSkipsOtherDevices() throws Exception {
        UmockdevScript s = new UmockdevScript();
        s.rootHub(1);
        s.hub("1-1");
        UmockdevScript.Placed lumia = s.device("1-1.4", 0x0421, 0x0661, "Nokia", "Lumia 520", "0123456789ABCDEF",
                UsbDescriptors.deviceAndConfig(0x0421, 0x0661, 0, true, new BulkInterface(0, 6, 1, 1, 1, 1, 512),
                        new BulkInterface(2, 0xFF, 0xFF, 0xFF, 2, 2, 512), new BulkInterface(3, 0xFF, 0xFF, 0xFF, 3, 3, 512)));
        s.hub("1-2");
        s.hub("1-2.3");
        UmockdevScript.Placed edl = s.device("1-2.3.1", 0x05C6, 0x9008, EDL_MANUFACTURER, "QHSUSB__BULK", "",
                edlDescriptors(0x9008));
        UmockdevScript.Placed newerEdl = s.device("1-2.3.2", 0x05C6, 0x9008, EDL_MANUFACTURER,
                "QUSB__BULK_CID:0402_SN:1A2B3C4D", "", edlDescriptors(0x9008));
        // not a phone: a vendor no rule knows must not be opened or listed
        s.device("1-3", 0x046D, 0xC52B, "Logitech", "USB Receiver", "",
                UsbDescriptors.deviceAndConfig(0x046D, 0xC52B, 0, false, new BulkInterface(0, 3, 1, 1, 1, 1, 8)));

        Object[] replays = {
            lumia.sysKey(), pcap("lumia.pcap", strings(new UsbmonPcapWriter(1, lumia.devnum()), "Nokia", "Lumia 520", "0123456789ABCDEF")),
            edl.sysKey(), pcap("edl.pcap", strings(new UsbmonPcapWriter(1, edl.devnum()), EDL_MANUFACTURER, "QHSUSB__BULK", "")),
            newerEdl.sysKey(), pcap("edl2.pcap", strings(new UsbmonPcapWriter(1, newerEdl.devnum()), EDL_MANUFACTURER,
                    "QUSB__BULK_CID:0402_SN:1A2B3C4D", "")),
        };
        UmockdevRun.Result r = run(s, replays, "list");

        assertThat(r.lines("PROBE DEVICE ")).as("%s", r).containsExactly(
                "1-1.4 0421:0661 NORMAL |Nokia|Lumia 520|0123456789ABCDEF| if[0, 2, 3]",
                "1-2.3.1 05C6:9008 EDL_PBL |" + EDL_MANUFACTURER + "|QHSUSB__BULK|| if[0]",
                "1-2.3.2 05C6:9008 EDL |" + EDL_MANUFACTURER + "|QUSB__BULK_CID:0402_SN:1A2B3C4D|1A2B3C4D| if[0]");
        assertThat(r.lines("PROBE DESCRIBE ")).singleElement().asString()
                .startsWith("libusb 1.0.").contains("3 phones");
    }

    private UmockdevScript edlBed() {
        UmockdevScript s = new UmockdevScript();
        s.rootHub(1);
        s.hub("1-2");
        s.hub("1-2.3");
        return s;
    }

    @Test
    void opensAndClaimsThe9008BulkInterface() throws Exception {
        UmockdevScript s = edlBed();
        UmockdevScript.Placed edl = s.device("1-2.3.1", 0x05C6, 0x9008, EDL_MANUFACTURER, "QHSUSB__BULK", "",
                edlDescriptors(0x9008));
        Path p = pcap("edl.pcap", strings(new UsbmonPcapWriter(1, edl.devnum()), EDL_MANUFACTURER, "QHSUSB__BULK", ""));

        UmockdevRun.Result r = run(s, new Object[] {edl.sysKey(), p}, "exchange", "1-2.3.1");

        assertThat(r.lines("PROBE ")).as("%s", r).contains(
                "LINK libusb 1-2.3.1 if0 ep 0x81/0x01 max=512 boundaries=true", "DONE");
    }

    private UmockdevRun.Result sahara(byte[] hostReply) throws Exception {
        UmockdevScript s = edlBed();
        UmockdevScript.Placed edl = s.device("1-2.3.1", 0x05C6, 0x9008, EDL_MANUFACTURER, "QHSUSB__BULK", "",
                edlDescriptors(0x9008));
        UsbmonPcapWriter w = strings(new UsbmonPcapWriter(1, edl.devnum()), EDL_MANUFACTURER, "QHSUSB__BULK", "")
                .bulkIn(0x81, 4096, SAHARA_HELLO)
                .bulkOut(0x01, SAHARA_HELLO_RESP);
        Path p = pcap("sahara.pcap", w);
        return run(s, new Object[] {edl.sysKey(), p}, "exchange", "1-2.3.1", "zlp=never", "timeout=1500",
                "in:4096", "out:" + UsbDescriptors.hex(hostReply));
    }

    @Test
    void saharaHelloAndHelloRespPassByteForByte() throws Exception {
        UmockdevRun.Result r = sahara(SAHARA_HELLO_RESP);

        assertThat(r.lines("PROBE ")).as("%s", r).containsSubsequence(
                "IN 48 " + UsbDescriptors.hex(SAHARA_HELLO), "OUT 48", "DONE");
    }

    @Test
    void aWrongByteInTheHostReplyIsATransferTimeoutNotSuccess() throws Exception {
        byte[] wrong = Arrays.copyOf(SAHARA_HELLO_RESP, SAHARA_HELLO_RESP.length);
        wrong[8] = 3; // version 3 instead of the 2 the capture holds

        UmockdevRun.Result r = sahara(wrong);

        assertThat(r.lines("PROBE ")).as("%s", r)
                .contains("IN 48 " + UsbDescriptors.hex(SAHARA_HELLO), "ERROR TransferTimeout OUT moved=0")
                .doesNotContain("OUT 48", "DONE");
    }

    private UmockdevRun.Result uefi(String zlp, byte[] message) throws Exception {
        return uefi(zlp, message, "out:" + UsbDescriptors.hex(message));
    }

    /** {@code out} sends {@code message}: as one buffer ({@code out:}) or in parts ({@code outparts:}). */
    private UmockdevRun.Result uefi(String zlp, byte[] message, String out) throws Exception {
        UmockdevScript s = new UmockdevScript();
        s.rootHub(1);
        s.hub("1-1");
        UmockdevScript.Placed uefi = s.device("1-1.4", 0x0421, 0x066E, "Nokia", "Nokia Lumia 520", "",
                UsbDescriptors.deviceAndConfig(0x0421, 0x066E, 0, false, new BulkInterface(0, 0xFF, 0xFF, 0xFF, 1, 1, 512)));
        UsbmonPcapWriter w = strings(new UsbmonPcapWriter(1, uefi.devnum()), "Nokia", "Nokia Lumia 520", "")
                .bulkOut(0x01, NOKV)
                .bulkIn(0x81, 0x8000, NOKV_BOOTMGR_REPLY)
                // a message of exactly one packet: Nokia's stack ends it with a ZLP (lumia-protocols.md §1.2)
                .bulkOut(0x01, message)
                .bulkOut(0x01, new byte[0])
                .bulkIn(0x81, 0x8000, NOKV_BOOTMGR_REPLY);
        Path p = pcap("uefi.pcap", w);
        return run(s, new Object[] {uefi.sysKey(), p}, "exchange", "1-1.4", zlp, "timeout=1500",
                "out:" + UsbDescriptors.hex(NOKV), "in:32768", out, "in:32768");
    }

    @Test
    void nokvRoundTripReturnsTheRealBootMgrReplyAndAFullPacketIsEndedWithAZlp() throws Exception {
        byte[] packet = new byte[512];
        System.arraycopy(NOKV, 0, packet, 0, 4);

        UmockdevRun.Result r = uefi("zlp=terminate", packet);

        String reply = "IN 25 " + UsbDescriptors.hex(NOKV_BOOTMGR_REPLY);
        assertThat(r.lines("PROBE ")).as("%s", r).containsSubsequence(
                "LINK libusb 1-1.4 if0 ep 0x81/0x01 max=512 boundaries=true", "OUT 4", reply, "OUT 512", reply, "DONE");
    }

    @Test
    void withoutTheZlpTheCaptureStallsSoTheZlpTestCanFail() throws Exception {
        byte[] packet = new byte[512];
        System.arraycopy(NOKV, 0, packet, 0, 4);

        UmockdevRun.Result r = uefi("zlp=never", packet);

        assertThat(r.lines("PROBE ")).as("%s", r).containsSubsequence("OUT 4", "IN 25 " + UsbDescriptors.hex(NOKV_BOOTMGR_REPLY), "OUT 512")
                .contains("ERROR TransferTimeout IN moved=0").doesNotContain("DONE");
    }

    @Test
    void aMessageWrittenInPartsIsTheSameBulkOutTransferEndedByTheSameZlp() throws Exception {
        // A NOKXFS-shaped head and its data, 512 bytes together: the capture holds one 512-byte OUT and a ZLP.
        byte[] message = new byte[512];
        System.arraycopy(NOKV, 0, message, 0, 4);
        for (int i = 0x20; i < message.length; i++) {
            message[i] = (byte) i;
        }
        String parts = "outparts:" + UsbDescriptors.hex(Arrays.copyOf(message, 0x20)) + ","
                + UsbDescriptors.hex(Arrays.copyOfRange(message, 0x20, 512));

        UmockdevRun.Result r = uefi("zlp=terminate", message, parts);

        String reply = "IN 25 " + UsbDescriptors.hex(NOKV_BOOTMGR_REPLY);
        assertThat(r.lines("PROBE ")).as("%s", r).containsSubsequence("OUT 4", reply, "OUT 512 in 2 parts", reply, "DONE");
    }
}
