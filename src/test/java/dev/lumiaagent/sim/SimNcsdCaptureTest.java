package dev.lumiaagent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lumiaagent.protocol.ncsd.NcsdCodec;
import dev.lumiaagent.protocol.ncsd.NcsdResponse;
import dev.lumiaagent.testing.Trace;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.discovery.Mode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The simulated phones answer the normal-mode methods real phones answer, with the values and result
 * forms of the captures: WPinternals' normal-mode identity reads of a real
 * 735 (traces/ncsd/001, https://github.com/ReneLergner/WPinternals/issues/49),
 * 930 (traces/ncsd/002, https://github.com/ReneLergner/WPinternals/issues/43) and
 * AT&amp;T 640 LTE (traces/ncsd/004, https://github.com/ReneLergner/WPinternals/issues/27); result member
 * names per WPinternals' own annotations (traces/ncsd/007,
 * https://github.com/ReneLergner/WPinternals/blob/master/WPinternals/ViewModels/NokiaFlashViewModel.cs).
 * Before this, the simulator rejected ReadHwVersion, ReadBtId, ReadWlanMacAddress and ReadSimlockActive
 * with "Method not found", which no real phone in the captures did.
 */
class SimNcsdCaptureTest {
    private static final String TEMPLATE = "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"%s\",\"params\":{\"MessageVersion\":0}}";

    @ParameterizedTest
    @CsvSource({"ncsd/001, ncsd/001, RM-1038", "ncsd/002, ncsd/003, RM-1045", "ncsd/004, ncsd/004, RM-1073"})
    void theSimulatedModelAnswersWhatTheRealPhoneAnswered(String capture, String identityCapture, String productType) {
        // Two real 930s differ in variant, product code and firmware (ncsd/002 RM-1045_1044, ncsd/003 RM-1045_1006):
        // the simulated 930 is the one of ncsd/003 (WPinternals issue 69), whose flash app nok/108-109 show too.
        Trace trace = Trace.load(capture);
        Trace identity = Trace.load(identityCapture);
        SimPhone phone = new SimPhone(SimModels.standard().require(productType), "356938035643809", "S1",
                Mode.NORMAL, 64, LinkKind.PACKET, EnumSet.noneOf(SimFault.class));
        SimNcsdFirmware firmware = new SimNcsdFirmware(new SimNcsdRecordingControl(phone, AgentClock.scaled(1000)));

        // Values of the model, as the real phone printed them.
        assertThat(call(firmware, "ReadHwVersion").get("HWVersion").asText()).isEqualTo(logged(trace, "HWID").orElseThrow());
        assertThat(call(firmware, "ReadManufacturerModelName").get("ManufacturerModelName").asText())
                .isEqualTo(logged(identity, "Manufacturer Model Name").orElseThrow());
        assertThat(call(firmware, "ReadSwVersion").get("SwVersion").asText()).isEqualTo(logged(identity, "Firmware").orElseThrow());
        assertThat(call(firmware, "ReadProductCode").get("ProductCode").asText()).isEqualTo(logged(identity, "Product Code").orElseThrow());
        boolean simlock = logged(trace, "Simlock").orElseThrow().equals("Active");
        assertThat(call(firmware, "ReadSimlockActive").get("SimLockActive").booleanValue()).isEqualTo(simlock);

        // Per-phone values, in the captured forms: 6-byte BT address; four consecutive 6-byte WLAN addresses.
        assertThat(NcsdCodec.bytesOf(call(firmware, "ReadBtId").get("BtId"))).hasValueSatisfying(b -> assertThat(b).hasSize(6)
                .isEqualTo(phone.btId()));
        ObjectNode wlan = call(firmware, "ReadWlanMacAddress");
        long loggedMacs = trace.logLines().stream().filter(l -> l.matches(".*WLAN MAC \\d: .*")).count();
        assertThat(wlan.size()).isEqualTo((int) loggedMacs).isEqualTo(4);
        for (int i = 1; i <= 4; i++) {
            byte[] mac = NcsdCodec.bytesOf(wlan.get("WlanMacAddress" + i)).orElseThrow();
            byte[] first = NcsdCodec.bytesOf(wlan.get("WlanMacAddress1")).orElseThrow();
            assertThat(mac).hasSize(6);
            assertThat(mac[5] & 0xFF).isEqualTo((first[5] & 0xFF) + i - 1);
        }

        // "Boot policy: Unsecure", DB SecureProduction on every retail phone; "DBX: Unknown" on the AT&T phone.
        ObjectNode certs = call(firmware, "GetUefiCertificateStatus");
        assertThat(certs.get("BootPolicy").asText()).isEqualTo(logged(trace, "Boot policy").orElseThrow());
        assertThat(certs.get("Db").asText()).isEqualTo(logged(trace, "DB").orElseThrow());
        assertThat(certs.get("Dbx").asText()).isEqualTo(logged(trace, "DBX").orElseThrow());
        assertThat(phone.violations()).isEmpty();
    }

    private static ObjectNode call(SimNcsdFirmware firmware, String method) {
        List<byte[]> sent = new ArrayList<>();
        firmware.onHostMessage(String.format(TEMPLATE, 7, method).getBytes(StandardCharsets.UTF_8), sent::add);
        assertThat(sent).hasSize(1);
        NcsdResponse r = NcsdCodec.decodeResponse(sent.get(0));
        assertThat(r.error()).as(method).isEmpty();
        return r.result().orElseThrow();
    }

    /** The value WPinternals printed after "{@code key}: " in the capture's log lines. */
    private static Optional<String> logged(Trace trace, String key) {
        String marker = ": " + key + ": ";
        return trace.logLines().stream().filter(l -> l.contains(marker))
                .map(l -> l.substring(l.indexOf(marker) + marker.length()).trim()).findFirst();
    }
}
