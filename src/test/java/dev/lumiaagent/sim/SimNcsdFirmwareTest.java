package dev.lumiaagent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.lumiaagent.protocol.ncsd.NcsdCodec;
import dev.lumiaagent.protocol.ncsd.NcsdError;
import dev.lumiaagent.protocol.ncsd.NcsdResponse;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.discovery.Mode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The normal-mode firmware on its own: bytes in, bytes out, no bus. */
class SimNcsdFirmwareTest {
    private final SimPhone phone = new SimPhone(SimModels.standard().require("RM-914"), "356938035643809", "S1",
            Mode.NORMAL, 64, LinkKind.PACKET, EnumSet.noneOf(SimFault.class));
    private final SimNcsdRecordingControl control = new SimNcsdRecordingControl(phone, AgentClock.scaled(1000));
    private final SimNcsdFirmware firmware = new SimNcsdFirmware(control);
    private final List<byte[]> sent = new ArrayList<>();

    private List<byte[]> send(String request) {
        sent.clear();
        firmware.onHostMessage(request.getBytes(StandardCharsets.UTF_8), sent::add);
        return sent;
    }

    private NcsdResponse only(String request) {
        List<byte[]> replies = send(request);
        assertThat(replies).hasSize(1);
        return NcsdCodec.decodeResponse(replies.get(0));
    }

    @Test
    void answersTheWpinternalsReadProductCodeInThePhonesPrettyForm() {
        List<byte[]> replies = send("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"ReadProductCode\",\"params\":{\"MessageVersion\":0}}");
        assertThat(replies).hasSize(1);
        assertThat(new String(replies.get(0), StandardCharsets.UTF_8)).isEqualTo(
                "{\n   \"id\" : 0,\n   \"jsonrpc\" : \"2.0\",\n   \"result\" : {\n      \"ProductCode\" : \"059S083\"\n   }\n}");
        assertThat(phone.violations()).isEmpty();
    }

    @Test
    void echoesAnyIdTypeAndToleratesTheWdrtNul() {
        NcsdResponse r = only("{\"jsonrpc\":\"2.0\",\"id\":\"x-7\",\"method\":\"ReadBatteryLevel\",\"params\":{\"MessageVersion\":0}}\0");
        assertThat(r.id()).isEqualTo(TextNode.valueOf("x-7"));
        assertThat(r.result()).hasValue(JsonNodeFactory.instance.objectNode().put("BatteryLevel", 64));
    }

    @Test
    void answersInfoMethodsFromTheModelAndPhone() {
        String template = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\",\"params\":{\"MessageVersion\":0}}";
        assertThat(only(String.format(template, "ReadManufacturerModelName")).result().orElseThrow()
                .get("ManufacturerModelName").asText()).startsWith("RM-914_");
        assertThat(only(String.format(template, "ReadSwVersion")).result().orElseThrow().get("SwVersion").asText())
                .isEqualTo("3058.51000.1523.1010");
        assertThat(only(String.format(template, "ReadBspVersion")).result().orElseThrow().get("BspVersion").asText())
                .isEqualTo("3058.51000");
        assertThat(only(String.format(template, "ReadOsVersion")).result().orElseThrow().get("OsVersion").asText())
                .isEqualTo("10.0.10586.1176");
        assertThat(NcsdCodec.bytesOf(only(String.format(template, "ReadPublicId")).result().orElseThrow().get("PublicId")))
                .hasValueSatisfying(id -> assertThat(id).isEqualTo(phone.publicId()));
        ObjectNode certs = only(String.format(template, "GetUefiCertificateStatus")).result().orElseThrow();
        assertThat(certs.get("Pk").asText()).isEqualTo("SecureProduction");
        assertThat(phone.violations()).isEmpty();
    }

    @Test
    void imeiOfSimOneOnlyASecondSubscriptionIsRejected() {
        ObjectNode sim1 = only("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ReadSerialNumber\",\"params\":{\"SubscriptionId\":0,\"MessageVersion\":0}}")
                .result().orElseThrow();
        assertThat(sim1.get("SerialNumber").asText()).isEqualTo("356938035643809");
        NcsdResponse sim2 = only("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ReadSerialNumber\",\"params\":{\"SubscriptionId\":1,\"MessageVersion\":0}}");
        assertThat(sim2.error()).hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(NcsdError.INVALID_PARAMS));
    }

    @Test
    void anUnknownMethodIsAJsonRpcErrorEchoingTheId() {
        NcsdResponse r = only("{\"jsonrpc\":\"2.0\",\"id\":41,\"method\":\"FactoryReset\",\"params\":{\"MessageVersion\":0}}");
        assertThat(r).isEqualTo(NcsdResponse.ofError(LongNode.valueOf(41), new NcsdError(-32601, "Method not found")));
    }

    @Test
    void bytesThatAreNotJsonAreAViolationAndGetNoAnswer() {
        assertThat(send("NOKV")).isEmpty();
        assertThat(phone.violations()).singleElement().asString().contains("not a request").contains("not JSON");
    }

    @Test
    void aRequestWithoutMessageVersionIsAnsweredButRecorded() {
        assertThat(only("{\"id\":1,\"method\":\"ReadProductCode\"}").isError()).isFalse();
        assertThat(phone.violations()).singleElement().asString().contains("without MessageVersion");
    }

    @ParameterizedTest
    @CsvSource({
        "'{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"SetDeviceMode\",\"params\":{\"DeviceMode\":\"Normal\",\"ResetMethod\":\"HwReset\",\"MessageVersion\":0}}', OS",
        "'{\"jsonrpc\": \"2.0\", \"id\": 2,\"method\": \"SetDeviceMode\", \"params\": {\"MessageVersion\": 0, \"DeviceMode\": \"Flash\"}}', FLASH_APP",
        "'{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"SetDeviceMode\",\"params\":{\"DeviceMode\":\"Test\",\"MessageVersion\":0}}', LABEL",
        "'{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"SetDeviceMode\",\"params\":{\"DeviceMode\":\"PowerOff\",\"MessageVersion\":0}}', OFF",
    })
    void setDeviceModeRebootsWithoutAReply(String request, BootTarget target) {
        assertThat(send(request)).isEmpty();
        assertThat(control.reboots()).containsExactly(target);
        assertThat(phone.violations()).isEmpty();
        assertThat(control.unexpected()).isEmpty();
    }

    @Test
    void setDeviceModeWithAnUnknownModeIsRejectedAndThePhoneStaysUp() {
        NcsdResponse r = only("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"SetDeviceMode\",\"params\":{\"DeviceMode\":\"Edl\",\"MessageVersion\":0}}");
        assertThat(r.error()).hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(NcsdError.INVALID_PARAMS));
        NcsdResponse badReset = only("{\"id\":7,\"method\":\"SetDeviceMode\",\"params\":{\"DeviceMode\":\"Flash\",\"ResetMethod\":\"Kick\",\"MessageVersion\":0}}");
        assertThat(badReset.isError()).isTrue();
        assertThat(control.reboots()).isEmpty();
    }

    @Test
    void aLabelModePhoneSpeaksTheSameProtocol() {
        SimPhone label = new SimPhone(SimModels.standard().require("RM-914"), "356938035643809", "S1", Mode.LABEL, 50,
                LinkKind.PACKET, EnumSet.noneOf(SimFault.class));
        SimNcsdRecordingControl labelControl = new SimNcsdRecordingControl(label, AgentClock.scaled(1000));
        List<byte[]> out = new ArrayList<>();
        new SimNcsdFirmware(labelControl).onHostMessage(
                "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"ReadProductCode\",\"params\":{\"MessageVersion\":0}}"
                        .getBytes(StandardCharsets.US_ASCII), out::add);
        assertThat(out).singleElement().satisfies(b -> assertThat(NcsdCodec.decodeResponse(b).result().orElseThrow()
                .get("ProductCode").asText()).isEqualTo("059S083"));
    }
}
