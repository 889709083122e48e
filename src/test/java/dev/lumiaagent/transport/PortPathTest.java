package dev.lumiaagent.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class PortPathTest {

    @Test
    void parsesAndPrintsSysfsForm() {
        PortPath p = PortPath.parse("1-2.3.1");
        assertThat(p.bus()).isEqualTo(1);
        assertThat(p.ports()).containsExactly(2, 3, 1);
        assertThat(p).hasToString("1-2.3.1");
        assertThat(p.child(4)).hasToString("1-2.3.1.4");
    }

    @Test
    void ordersByBusThenPortsNumerically() {
        List<PortPath> list = new ArrayList<>(List.of(PortPath.parse("1-10"), PortPath.parse("2-1"),
                PortPath.parse("1-2.1"), PortPath.parse("1-2")));
        list.sort(null);
        assertThat(list).extracting(PortPath::toString).containsExactly("1-2", "1-2.1", "1-10", "2-1");
    }

    @Test
    void rejectsWhatIsNotAPortPathWithTheExpectedForm() {
        for (String bad : new String[] {"", "1", "1-", "-1", "1-a", "1-1..2", "usb1", "1-1.2.3.4.5.6.7.8"}) {
            assertThatThrownBy(() -> PortPath.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected bus-port.port");
        }
        assertThatThrownBy(() -> PortPath.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PortPath.of(1, 256)).isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void printThenParseRoundTrips(@ForAll @IntRange(max = 255) int bus,
                                  @ForAll @Size(min = 1, max = 7) List<@IntRange(max = 255) Integer> ports) {
        PortPath p = new PortPath(bus, ports);
        assertThat(PortPath.parse(p.toString())).isEqualTo(p);
    }
}
