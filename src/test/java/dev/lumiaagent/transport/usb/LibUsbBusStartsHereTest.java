package dev.lumiaagent.transport.usb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.LinkOptions;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.TransportException;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import dev.lumiaagent.transport.discovery.PersonalityTable;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The real bus on whatever machine runs the tests. Here (and in CI) there is no USB bus at all, so the
 * bus must start anyway, list nothing and say so in English; on a machine with USB, nothing escapes
 * and only phones are listed.
 */
class LibUsbBusStartsHereTest {

    @Test
    void startsListsOnlyPhonesAndDescribesItself() {
        try (LibUsbBus bus = new LibUsbBus()) {
            List<UsbDevice> devices = bus.devices();
            String line = bus.describe();

            assertThat(line).startsWith("libusb").doesNotContain("Exception").doesNotContain("\n");
            assertThat(devices).allSatisfy(d -> assertThat(PersonalityTable.standard()
                    .classify(d.vid(), d.pid(), d.product(), List.of(255, 8))).isPresent());
            if (devices.isEmpty()) {
                assertThat(line).containsAnyOf("no USB bus", "no phone");
            }
        }
    }

    @Test
    void openingAMadeUpDeviceIsATypedErrorWithANextStep() {
        UsbDevice madeUp = new UsbDevice(PortPath.parse("9-7.7.7"), 0x05C6, 0x9008, "", "QHSUSB__BULK", "", List.of(0),
                PersonalityTable.standard().classify(0x05C6, 0x9008, "QHSUSB__BULK", List.of(255)).orElseThrow());
        try (LibUsbBus bus = new LibUsbBus()) {
            assertThatThrownBy(() -> bus.open(madeUp, LinkOptions.defaults()))
                    .isInstanceOf(TransportException.class)
                    .hasMessageContaining("9-7.7.7")
                    .satisfies(e -> assertThat(((TransportException) e).nextStep()).isNotBlank());
            assertThat(madeUp.personality().mode()).isEqualTo(Mode.EDL_PBL);
        }
    }

    @Test
    void watchOnAnEmptyBusIsHarmlessAndCloseIsIdempotent() {
        LibUsbBus bus = new LibUsbBus();
        Bus.Subscription sub = bus.watch(e -> { });
        sub.close();
        bus.close();
        bus.close();
        assertThat(bus.devices()).isEmpty();
        assertThat(bus.describe()).startsWith("libusb");
    }
}
