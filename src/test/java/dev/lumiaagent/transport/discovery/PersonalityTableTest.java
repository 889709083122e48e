package dev.lumiaagent.transport.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PersonalityTableTest {
    private final PersonalityTable table = PersonalityTable.standard();

    @ParameterizedTest(name = "{0}:{1} \"{2}\" -> {3}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            // lumia-protocols.md §1.1
            "0421|0661|Lumia 520|NORMAL|NCSD_JSON",
            "0421|06FC|Lumia 930|NORMAL|NCSD_JSON",
            "045E|0A00|Lumia 950 XL|NORMAL|NCSD_JSON",
            "0421|0660|null|LABEL|NCSD_JSON",
            "0421|0713|null|LABEL|NCSD_JSON",
            "045E|0A01|null|LABEL|NCSD_JSON",
            "0421|066E|NOKIA BOOTMGR|UEFI|NOK",
            "0421|0714|null|UEFI|NOK",
            "045E|0A02|null|UEFI|NOK",
            "0421|05EE|null|UEFI|NOK",
            "0421|0658|null|UEFI|NOK",
            "045E|0658|null|UEFI|NOK",
            "045E|062A|null|SIMPLE_IO|SIMPLE_IO",
            // edl-protocol.md §1.1-§1.2: the iProduct tells PBL from a running programmer
            "05C6|9008|QHSUSB__BULK|EDL_PBL|QUALCOMM_EDL",
            "05C6|9008|QHSUSB_DLOAD|EDL_PBL|QUALCOMM_EDL",
            "05C6|9008|QHSUSB_ARMPRG|EDL_PROGRAMMER|QUALCOMM_EDL",
            "05C6|9008|null|EDL|QUALCOMM_EDL",
            "05C6|9008||EDL|QUALCOMM_EDL",
            "05C6|9008|QUSB_BULK_CID:0402_SN:ABCD1234|EDL|QUALCOMM_EDL",
            "045E|0A03|null|EDL|QUALCOMM_EDL",
            "05C6|901D|null|EDL|QUALCOMM_EDL",
            "05C6|9006|null|MASS_STORAGE|MASS_STORAGE",
            "05C6|900E|null|MEMORY_DEBUG|QUALCOMM_EDL",
            "05C6|90DB|null|MEMORY_DEBUG|QUALCOMM_EDL",
            "05C6|F006|null|EMERGENCY_CHARGING|NONE",
            "0421|0001|null|UNKNOWN|NONE",
    })
    void classifiesEveryKnownIdentity(String vid, String pid, String product, Mode mode, WireProtocol protocol) {
        Optional<Personality> p = table.classify(Integer.parseInt(vid, 16), Integer.parseInt(pid, 16), product, Set.of(255));
        assertThat(p).isPresent();
        assertThat(p.get().mode()).isEqualTo(mode);
        assertThat(p.get().protocol()).isEqualTo(protocol);
    }

    @Test
    void labelModeUsesInterfaceFour() {
        assertThat(table.classify(0x0421, 0x0660, "", Set.of()).orElseThrow().interfaceNumber()).isEqualTo(4);
    }

    @Test
    void massStorageByInterfaceClassOnLumiaVendors() {
        assertThat(table.classify(0x045E, 0x0A0F, "Phone MMC Storage", Set.of(8)).orElseThrow().mode())
                .isEqualTo(Mode.MASS_STORAGE);
        assertThat(table.classify(0x0421, 0x0ABC, "", Set.of(8)).orElseThrow().mode()).isEqualTo(Mode.MASS_STORAGE);
    }

    @Test
    void devicesThatAreNotPhonesAreNotListed() {
        // A Microsoft mouse, a Qualcomm LTE modem in a laptop, a Logitech receiver.
        assertThat(table.classify(0x045E, 0x07FD, "Microsoft Mouse", Set.of(3))).isEmpty();
        assertThat(table.classify(0x05C6, 0x9025, "Qualcomm modem", Set.of(255))).isEmpty();
        assertThat(table.classify(0x046D, 0xC52B, "USB Receiver", Set.of(3))).isEmpty();
    }

    @Test
    void everyRuleIsReachable() {
        // Each rule must win for an identity built from it, or an earlier rule hides it: a dead row.
        List<PersonalityTable.Rule> rules = table.rules();
        for (PersonalityTable.Rule r : rules) {
            int pid = r.pid() == -1 ? 0x7777 : r.pid();
            String product = r.product() == null ? "x" : sampleFor(r.product().pattern());
            Set<Integer> classes = r.interfaceClass() == -1 ? Set.of(255) : Set.of(r.interfaceClass());
            assertThat(table.classify(r.vid(), pid, product, classes)).as("rule %s", r).contains(r.personality());
        }
    }

    private static String sampleFor(String regex) {
        if (regex.contains("ARMPRG")) {
            return "QHSUSB_ARMPRG";
        }
        if (regex.contains("QHSUSB__BULK")) {
            return "QHSUSB__BULK";
        }
        throw new AssertionError("add a sample iProduct for " + regex);
    }

    @Test
    void serialFromNewerEdlProductString() {
        assertThat(PersonalityTable.serialFromProduct("QUSB_BULK_CID:0402_SN:8A3F21C0")).contains("8A3F21C0");
        assertThat(PersonalityTable.serialFromProduct("QUSB__BULK_SN:1234ABCD_more")).contains("1234ABCD");
        assertThat(PersonalityTable.serialFromProduct("QHSUSB__BULK")).isEmpty();
        assertThat(PersonalityTable.serialFromProduct("X_SN:")).isEmpty();
        assertThat(PersonalityTable.serialFromProduct(null)).isEmpty();
    }
}
