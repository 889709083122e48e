package dev.lumiaagent.transport.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.BusEvent;
import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.LinkOptions;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import dev.lumiaagent.transport.discovery.PersonalityTable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SerialBusTest {
    private static final SerialBus.PortInfo EDL_LINUX = new SerialBus.PortInfo("/dev/ttyUSB0", "ttyUSB0", "1-1.4",
            0x05C6, 0x9008, "QHSUSB__BULK", "Unknown", "Qualcomm CDMA Technologies MSM");
    private static final SerialBus.PortInfo EDL_WINDOWS = new SerialBus.PortInfo("\\\\.\\COM7", "COM7", "0-0",
            0x05C6, 0x9008, "Qualcomm HS-USB QDLoader 9008 (COM7)", "", "Qualcomm Incorporated");
    private static final SerialBus.PortInfo FTDI = new SerialBus.PortInfo("/dev/ttyUSB1", "ttyUSB1", "1-2",
            0x0403, 0x6001, "FT232R USB UART", "A50285BI", "FTDI");
    private static final SerialBus.PortInfo NOKIA_NORMAL = new SerialBus.PortInfo("/dev/ttyACM0", "ttyACM0", "1-3",
            0x0421, 0x0661, "Lumia 640", "0123", "Nokia");
    private static final SerialBus.PortInfo BUILT_IN = new SerialBus.PortInfo("/dev/ttyS0", "ttyS0", "0-0",
            -1, -1, "Physical Port S0", "Unknown", "Unknown");

    private static SerialBus fakeBus(AtomicReference<List<SerialBus.PortInfo>> ports, Duration poll) {
        return new SerialBus(ports::get, PersonalityTable::standard, poll);
    }

    @Test
    void onThisMachineItStartsListsNoPhonesAndSaysSo() {
        Assumptions.assumeTrue(System.getenv("LUMIA_AGENT_HARDWARE") == null,
                "a phone may be attached (LUMIA_AGENT_HARDWARE is set)");
        try (Bus bus = new SerialBus()) {
            assertThat(bus.devices()).isEmpty();
            String line = bus.describe();
            assertThat(line).startsWith("serial ports").contains("none with a Qualcomm 9008 phone").doesNotContain("\n");
        }
    }

    @Test
    void listsOnlyQualcommEdlPortsWithTheirIdentity() {
        AtomicReference<List<SerialBus.PortInfo>> ports = new AtomicReference<>(
                List.of(FTDI, EDL_WINDOWS, BUILT_IN, NOKIA_NORMAL, EDL_LINUX));
        try (SerialBus bus = fakeBus(ports, Duration.ofMillis(20))) {
            List<UsbDevice> devices = bus.devices();
            assertThat(devices).hasSize(2);

            UsbDevice linux = devices.get(1);
            assertThat(linux.port()).isEqualTo(PortPath.parse("1-1.4"));
            assertThat(linux.vidPid()).isEqualTo("05C6:9008");
            assertThat(linux.personality().mode()).isEqualTo(Mode.EDL_PBL);
            assertThat(linux.product()).isEqualTo("QHSUSB__BULK");
            assertThat(linux.serial()).as("jSerialComm's 'Unknown' is no serial").isEmpty();

            UsbDevice windows = devices.get(0);
            assertThat(windows.port()).as("derived on bus 0 from COM7").isEqualTo(PortPath.of(0, 3, 7));
            assertThat(windows.personality().mode()).isEqualTo(Mode.EDL);

            assertThat(bus.describe()).contains("2 phones").contains("/dev/ttyUSB0").contains("1-1.4");
        }
    }

    @Test
    void serialComesFromTheEdlProductStringWhenTheDeviceHasNone() {
        SerialBus.PortInfo withSn = new SerialBus.PortInfo("/dev/ttyUSB0", "ttyUSB0", "2-1", 0x05C6, 0x9008,
                "QUSB__BULK_SN:1A2B3C4D", "", "");
        try (SerialBus bus = fakeBus(new AtomicReference<>(List.of(withSn)), Duration.ofMillis(20))) {
            assertThat(bus.devices()).singleElement().satisfies(d -> assertThat(d.serial()).isEqualTo("1A2B3C4D"));
        }
    }

    @Test
    void portPathsAreParsedOrDerivedStably() {
        assertThat(SerialBus.portPath("3-1.2.4", "ttyUSB0")).isEqualTo(PortPath.parse("3-1.2.4"));
        assertThat(SerialBus.portPath("0-0", "ttyUSB2")).isEqualTo(PortPath.of(0, 1, 2));
        assertThat(SerialBus.portPath("", "ttyACM5")).isEqualTo(PortPath.of(0, 2, 5));
        assertThat(SerialBus.portPath(null, "COM12")).isEqualTo(PortPath.of(0, 3, 12));
        PortPath odd = SerialBus.portPath("weird", "cu.usbmodem14101");
        assertThat(odd.bus()).isZero();
        assertThat(SerialBus.portPath("weird", "cu.usbmodem14101")).as("same name, same path").isEqualTo(odd);
        assertThat(SerialBus.portPath("weird", "cu.usbmodem14201")).isNotEqualTo(odd);
    }

    @Test
    void watchReportsAttachAndDetachAndKeepsAThrowingListener() throws Exception {
        AtomicReference<List<SerialBus.PortInfo>> ports = new AtomicReference<>(List.of(FTDI));
        LinkedBlockingQueue<BusEvent> events = new LinkedBlockingQueue<>();
        AtomicInteger thrown = new AtomicInteger();
        try (SerialBus bus = fakeBus(ports, Duration.ofMillis(20));
             // The throwing listener subscribes first: later listeners must still get every event.
             Bus.Subscription s1 = bus.watch(e -> {
                 thrown.incrementAndGet();
                 throw new IllegalStateException("listener bug");
             });
             Bus.Subscription s2 = bus.watch(events::add)) {
            assertThat(events.poll(200, TimeUnit.MILLISECONDS)).as("nothing changed, nothing reported").isNull();

            ports.set(List.of(FTDI, EDL_LINUX));
            BusEvent attached = events.poll(5, TimeUnit.SECONDS);
            assertThat(attached).isInstanceOf(BusEvent.Attached.class);
            assertThat(attached.device().port()).isEqualTo(PortPath.parse("1-1.4"));

            ports.set(List.of(FTDI));
            BusEvent detached = events.poll(5, TimeUnit.SECONDS);
            assertThat(detached).isInstanceOf(BusEvent.Detached.class);
            assertThat(detached.device()).isEqualTo(attached.device());
            assertThat(thrown.get()).as("the throwing listener got both events").isEqualTo(2);
        }
    }

    @Test
    void aPhoneChangingPersonalityOnTheSamePortIsDetachThenAttach() throws Exception {
        SerialBus.PortInfo programmer = new SerialBus.PortInfo("/dev/ttyUSB0", "ttyUSB0", "1-1.4", 0x05C6, 0x9008,
                "QHSUSB_ARMPRG", "", "");
        AtomicReference<List<SerialBus.PortInfo>> ports = new AtomicReference<>(List.of(EDL_LINUX));
        LinkedBlockingQueue<BusEvent> events = new LinkedBlockingQueue<>();
        try (SerialBus bus = fakeBus(ports, Duration.ofMillis(20)); Bus.Subscription s = bus.watch(events::add)) {
            ports.set(List.of(programmer));
            BusEvent first = events.poll(5, TimeUnit.SECONDS);
            BusEvent second = events.poll(5, TimeUnit.SECONDS);
            assertThat(first).isInstanceOf(BusEvent.Detached.class);
            assertThat(first.device().personality().mode()).isEqualTo(Mode.EDL_PBL);
            assertThat(second).isInstanceOf(BusEvent.Attached.class);
            assertThat(second.device().personality().mode()).isEqualTo(Mode.EDL_PROGRAMMER);
        }
    }

    @Test
    void closeStopsPolling() throws Exception {
        AtomicInteger scans = new AtomicInteger();
        CountDownLatch threeScans = new CountDownLatch(3);
        SerialBus bus = new SerialBus(() -> {
            scans.incrementAndGet();
            threeScans.countDown();
            return List.of();
        }, PersonalityTable::standard, Duration.ofMillis(10));
        bus.watch(e -> { });
        assertThat(threeScans.await(5, TimeUnit.SECONDS)).as("the poller ran").isTrue();
        bus.close();
        int afterClose = scans.get();
        // time is the subject: no scan in the 20 poll intervals after close (a negative check)
        Thread.sleep(200);
        assertThat(scans.get()).isEqualTo(afterClose);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("serial-bus-watch") && t.isAlive());
        assertThrows(IllegalStateException.class, () -> bus.watch(e -> { }));
    }

    @Test
    void aBrokenScannerIsReportedNotThrown() {
        SerialBus bus = new SerialBus(() -> {
            throw new UnsatisfiedLinkError("no jSerialComm in java.library.path");
        }, PersonalityTable::standard, Duration.ofMillis(20));
        assertThat(bus.devices()).isEmpty();
        assertThat(bus.describe()).contains("unavailable").contains("no jSerialComm");
        bus.close();
    }

    @Test
    void openingADeviceThatIsNoLongerThereIsDeviceGone() {
        AtomicReference<List<SerialBus.PortInfo>> ports = new AtomicReference<>(List.of(EDL_LINUX));
        try (SerialBus bus = fakeBus(ports, Duration.ofMillis(20))) {
            UsbDevice phone = bus.devices().get(0);
            ports.set(List.of());
            DeviceGone gone = assertThrows(DeviceGone.class, () -> bus.open(phone, LinkOptions.defaults()));
            assertThat(gone.getMessage()).contains("1-1.4");
        }
    }
}
