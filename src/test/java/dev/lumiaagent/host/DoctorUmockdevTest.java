package dev.lumiaagent.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.testing.RequiredTool;
import dev.lumiaagent.testing.umockdev.UmockdevRun;
import dev.lumiaagent.testing.umockdev.UmockdevScript;
import dev.lumiaagent.testing.umockdev.UsbDescriptors;
import dev.lumiaagent.testing.umockdev.UsbDescriptors.BulkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * doctor's qcserial check on a mocked USB tree (usb-testing.md §1): umockdev-run gives a child JVM a /sys with a
 * 05c6:9008 phone at 1-1 whose interface 1-1:1.0 is bound to qcserial (its {@code driver} link, notes-18 §4), and the
 * finding names it with its fixes. The child reads the real path /sys/bus/usb/devices: only umockdev redirects it.
 */
class DoctorUmockdevTest {
    @TempDir
    Path dir;

    @BeforeEach
    void needUmockdev() {
        RequiredTool.require("umockdev-run", UmockdevRun.installed(), "apt-get install umockdev");
    }

    private UmockdevRun.Result probe(boolean qcserial) throws Exception {
        UmockdevScript script = new UmockdevScript();
        script.rootHub(1);
        UmockdevScript.Placed phone = script.device("1-1", 0x05c6, 0x9008, "Qualcomm CDMA Technologies MSM", "QHSUSB__BULK", "",
                UsbDescriptors.deviceAndConfig(0x05c6, 0x9008, 0, false, new BulkInterface(0, 0xff, 0xff, 0xff, 1, 1, 512)));
        Path file = dir.resolve("bed.umockdev");
        script.writeTo(file);
        // the interface, as umockdev-record writes one: its driver is a link into /sys/bus/usb/drivers (qcserial binds
        // a one-interface ff/ff/ff device with two bulk endpoints, "QDL port found": notes-18 §4)
        String itf = "P: " + phone.sysfsPath() + "/1-1:1.0\n"
                + "E: DEVTYPE=usb_interface\n"
                + (qcserial ? "E: DRIVER=qcserial\n" : "")
                + "E: SUBSYSTEM=usb\n"
                + "A: bInterfaceClass=ff\n"
                + "A: bInterfaceNumber=00\n"
                + (qcserial ? "L: driver=../../../../../../bus/usb/drivers/qcserial\n" : "")
                + "\n"
                // the usb-serial port qcserial makes, named like the tty it attaches ("now attached to ttyUSB0")
                + (qcserial ? "P: " + phone.sysfsPath() + "/1-1:1.0/ttyUSB0\n"
                        + "E: SUBSYSTEM=usb-serial\n"
                        + "E: DRIVER=qcserial\n"
                        + "\n" : "");
        Files.writeString(file, itf, StandardOpenOption.APPEND);
        UmockdevRun.Result r = new UmockdevRun(file).timeout(Duration.ofSeconds(60)).java(QcserialProbe.class);
        assertThat(r.timedOut()).as("child JVM finished: %s", r).isFalse();
        assertThat(r.exitCode()).as("probe exit: %s", r).isZero();
        return r;
    }

    @Test
    void qcserialBoundToAMocked9008PhoneIsFoundWithItsFix() throws Exception {
        UmockdevRun.Result r = probe(true);
        assertThat(r.lines("finding: ")).singleElement().satisfies(line -> assertThat(line)
                .startsWith("WARNING  qcserial      qcserial holds the 05c6:9008 phone at 1-1 (1-1:1.0 → /dev/ttyUSB0)")
                .contains("lumia-agent emergency --serial /dev/ttyUSB0")
                .contains("blacklist-qcserial.conf"));
    }

    @Test
    void theSamePhoneWithoutQcserialIsFine() throws Exception {
        UmockdevRun.Result r = probe(false);
        assertThat(r.lines("finding: ")).singleElement().satisfies(line -> assertThat(line)
                .contains("1 05c6:9008 phone connected, none held by qcserial"));
    }
}
