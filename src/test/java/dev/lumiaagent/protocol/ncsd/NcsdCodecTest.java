package dev.lumiaagent.protocol.ncsd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.lumiaagent.protocol.wire.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Golden bytes from lumia-protocols.md §2.1 and §2.2, in both directions. */
class NcsdCodecTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** §2.1, WPinternals NokiaCareSuiteModel: the first request of a connection. */
    private static final String WPI_READ_PRODUCT_CODE =
            "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"ReadProductCode\",\"params\":{\"MessageVersion\":0}}";
    /** §2.1, LSU DeviceModeChanger: spaced, fixed id, MessageVersion first. */
    private static final String LSU_SET_DEVICE_MODE =
            "{\"jsonrpc\": \"2.0\", \"id\": 2,\"method\": \"SetDeviceMode\", \"params\": {\"MessageVersion\": 0, \"DeviceMode\": \"Flash\"}}";

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void encodesTheWpinternalsReadProductCodeByteForByte() {
        byte[] wire = NcsdCodec.encodeRequest(NcsdRequest.of(0, "ReadProductCode", F.objectNode()));
        assertThat(wire).isEqualTo(ascii(WPI_READ_PRODUCT_CODE));
    }

    @Test
    void decodesTheWpinternalsReadProductCode() {
        NcsdRequest r = NcsdCodec.decodeRequest(ascii(WPI_READ_PRODUCT_CODE));
        assertThat(r).isEqualTo(NcsdRequest.of(0, "ReadProductCode", F.objectNode()));
        assertThat(r.messageVersion()).hasValue(0);
        assertThat(r).hasToString("→ #0 ReadProductCode");
    }

    @Test
    void encodesTheWdrtFormWithATrailingNul() {
        byte[] wire = NcsdCodec.encodeRequest(NcsdRequest.of(1, "ReadProductCode", F.objectNode()),
                NcsdCodec.Framing.WDRT_NUL);
        assertThat(wire).isEqualTo(ascii(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ReadProductCode\",\"params\":{\"MessageVersion\":0}}\0"));
    }

    @Test
    void decodesTheWdrtFormWithItsTrailingNul() {
        byte[] wire = ascii("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ReadBatteryLevel\",\"params\":{\"MessageVersion\":0}}\0");
        assertThat(NcsdCodec.decodeRequest(wire)).isEqualTo(NcsdRequest.of(1, "ReadBatteryLevel", F.objectNode()));
    }

    @Test
    void decodesTheLsuSpacedSetDeviceModeAndReencodesItInTheWpinternalsOrder() {
        NcsdRequest r = NcsdCodec.decodeRequest(ascii(LSU_SET_DEVICE_MODE));
        assertThat(r.id()).isEqualTo(LongNode.valueOf(2));
        assertThat(r.method()).isEqualTo("SetDeviceMode");
        assertThat(r.params()).isEqualTo(F.objectNode().put("DeviceMode", "Flash"));
        assertThat(r.messageVersion()).hasValue(0);
        // Caller params first, MessageVersion last, compact.
        assertThat(text(NcsdCodec.encodeRequest(r))).isEqualTo(
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"SetDeviceMode\",\"params\":{\"DeviceMode\":\"Flash\",\"MessageVersion\":0}}");
    }

    @Test
    void callerParamsKeepTheirOrderBeforeMessageVersion() {
        ObjectNode params = F.objectNode().put("DeviceMode", "Normal").put("ResetMethod", "HwReset");
        assertThat(text(NcsdCodec.encodeRequest(NcsdRequest.of(7, "SetDeviceMode", params)))).isEqualTo(
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"SetDeviceMode\","
                        + "\"params\":{\"DeviceMode\":\"Normal\",\"ResetMethod\":\"HwReset\",\"MessageVersion\":0}}");
    }

    @Test
    void bytesTravelAsUnsignedIntArrays() {
        ObjectNode params = F.objectNode();
        params.set("Challenge", NcsdCodec.byteArray(new byte[] {0, 0x7F, (byte) 0x80, (byte) 0xFF}));
        assertThat(text(NcsdCodec.encodeRequest(NcsdRequest.of(3, "TerminalChallenge", params))))
                .contains("\"params\":{\"Challenge\":[0,127,128,255],\"MessageVersion\":0}");
        assertThat(NcsdCodec.bytesOf(params.get("Challenge"))).hasValueSatisfying(
                b -> assertThat(b).containsExactly(0, 0x7F, 0x80, 0xFF));
        assertThat(NcsdCodec.bytesOf(F.arrayNode().add(256))).isEmpty();
        assertThat(NcsdCodec.bytesOf(F.arrayNode().add("1"))).isEmpty();
    }

    @Test
    void requestDecoderAcceptsAnyIdTypeAnyOrderAndLowerCaseMessageVersion() {
        NcsdRequest stringId = NcsdCodec.decodeRequest(ascii(
                "\r\n { \"params\" : { \"SubscriptionId\" : 1, \"messageversion\" : 0 }, \"method\" : \"ReadSerialNumber\", \"id\" : \"abc\" }\n\0\0"));
        assertThat(stringId.id()).isEqualTo(TextNode.valueOf("abc"));
        assertThat(stringId.params()).isEqualTo(F.objectNode().put("SubscriptionId", 1));
        assertThat(stringId.messageVersion()).hasValue(0);

        NcsdRequest noId = NcsdCodec.decodeRequest(ascii("{\"method\":\"ReadPsn\"}"));
        assertThat(noId.id().isNull()).isTrue();
        assertThat(noId.messageVersion()).isEqualTo(OptionalInt.empty());
        assertThat(noId).hasToString("→ #null ReadPsn (no MessageVersion)");
    }

    @Test
    void malformedRequestsNameWhatIsWrong() {
        assertThatThrownBy(() -> NcsdCodec.decodeRequest(ascii("NOKV"))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("request is not JSON");
        assertThatThrownBy(() -> NcsdCodec.decodeRequest(new byte[] {0, 0})).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> NcsdCodec.decodeRequest(ascii("[1,2]"))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("ARRAY");
        assertThatThrownBy(() -> NcsdCodec.decodeRequest(ascii("{\"id\":1,\"params\":{}}")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("no method name");
        assertThatThrownBy(() -> NcsdCodec.decodeRequest(ascii("{\"id\":1,\"method\":\"X\",\"params\":[0]}")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("params is ARRAY");
        assertThatThrownBy(() -> NcsdCodec.decodeRequest(ascii("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"X\"}")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("jsonrpc \"1.0\"");
        assertThatThrownBy(() -> NcsdCodec.decodeRequest(ascii("{\"id\":1,\"method\":\"X\"}{\"id\":2}")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> NcsdCodec.decodeRequest(ascii("{\"id\":1,\"id\":2,\"method\":\"X\"}")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("Duplicate field 'id'");
        assertThatThrownBy(() -> NcsdCodec.decodeRequest(new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'}))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> NcsdCodec.decodeRequest(ascii(
                "{\"id\":1,\"method\":\"X\",\"params\":{\"MessageVersion\":\"0\"}}")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("MessageVersion is \"0\"");
    }

    /** §2.2: LSU's rebuilt reply — 3-space indent, " : ", sorted keys. */
    @Test
    void decodesTheLsuPrettyFormAndEncodesTheSameBytes() {
        String pretty = "{\n   \"id\" : 4,\n   \"jsonrpc\" : \"2.0\",\n   \"result\" : {\n      \"ProductCode\" : \"059Q9D7\"\n   }\n}";
        NcsdResponse r = NcsdCodec.decodeResponse(ascii(pretty));
        assertThat(r).isEqualTo(NcsdResponse.ofResult(LongNode.valueOf(4), F.objectNode().put("ProductCode", "059Q9D7")));
        assertThat(r).hasToString("← #4 {\"ProductCode\":\"059Q9D7\"}");
        assertThat(text(NcsdCodec.encodeResponse(r, NcsdCodec.ResponseStyle.PHONE))).isEqualTo(pretty);
    }

    @Test
    void decodesTheCompactFormWithTrailingNulsAndEncodesIt() {
        String compact = "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{\"ManufacturerModelName\":\"RM-821_eu_denmark_251\"}}";
        NcsdResponse r = NcsdCodec.decodeResponse(ascii(compact + "\0\0"));
        assertThat(r.answers(0)).isTrue();
        assertThat(r.result()).hasValue(F.objectNode().put("ManufacturerModelName", "RM-821_eu_denmark_251"));
        assertThat(text(NcsdCodec.encodeResponse(r, NcsdCodec.ResponseStyle.COMPACT))).isEqualTo(compact);
    }

    @Test
    void phoneFormSortsNestedMembersAndPutsScalarArraysOnOneLine() {
        ObjectNode result = F.objectNode();
        result.set("PublicId", NcsdCodec.byteArray(new byte[] {1, 2, (byte) 250}));
        result.put("BatteryLevel", 77);
        result.set("Empty", F.objectNode());
        String expected = "{\n   \"id\" : 9,\n   \"jsonrpc\" : \"2.0\",\n   \"result\" : {\n"
                + "      \"BatteryLevel\" : 77,\n      \"Empty\" : {},\n      \"PublicId\" : [ 1, 2, 250 ]\n   }\n}";
        byte[] wire = NcsdCodec.encodeResponse(NcsdResponse.ofResult(LongNode.valueOf(9), result), NcsdCodec.ResponseStyle.PHONE);
        assertThat(text(wire)).isEqualTo(expected);
        assertThat(NcsdCodec.decodeResponse(wire).result()).hasValue(result);
    }

    @Test
    void aJsonRpcErrorIsAValueInBothForms() {
        String pretty = "{\n   \"error\" : {\n      \"code\" : -32601,\n      \"message\" : \"Method not found\"\n   },\n"
                + "   \"id\" : 5,\n   \"jsonrpc\" : \"2.0\"\n}";
        NcsdResponse r = NcsdCodec.decodeResponse(ascii(pretty));
        assertThat(r.isError()).isTrue();
        assertThat(r.error()).hasValue(new NcsdError(-32601, "Method not found"));
        assertThat(r).hasToString("← #5 error -32601 \"Method not found\"");
        assertThat(text(NcsdCodec.encodeResponse(r, NcsdCodec.ResponseStyle.PHONE))).isEqualTo(pretty);
        assertThat(text(NcsdCodec.encodeResponse(r, NcsdCodec.ResponseStyle.COMPACT)))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":5,\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}");
        // WPinternals logs a bare "Error: 150"; a bare number is read as the code.
        assertThat(NcsdCodec.decodeResponse(ascii("{\"id\":1,\"error\":150}")).error()).hasValue(new NcsdError(150, ""));
        NcsdError withData = NcsdCodec.decodeResponse(ascii(
                "{\"id\":1,\"result\":null,\"error\":{\"code\":3,\"data\":{\"x\":1}}}")).error().orElseThrow();
        assertThat(withData.data()).isEqualTo(F.objectNode().put("x", 1));
        assertThat(withData.message()).isEmpty();
    }

    @Test
    void aNullResultIsAnEmptyResultNotADesync() {
        NcsdResponse r = NcsdCodec.decodeResponse(ascii("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":null}"));
        assertThat(r.result()).hasValue(F.objectNode());
    }

    @Test
    void malformedResponsesNameWhatIsWrong() {
        assertThatThrownBy(() -> NcsdCodec.decodeResponse(ascii("{\"id\":1}")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("neither result nor error");
        assertThatThrownBy(() -> NcsdCodec.decodeResponse(ascii("{\"id\":1,\"result\":{},\"error\":{\"code\":1}}")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("both result and error");
        assertThatThrownBy(() -> NcsdCodec.decodeResponse(ascii("{\"id\":1,\"result\":\"059Q9D7\"}")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("result is STRING");
        assertThatThrownBy(() -> NcsdCodec.decodeResponse(ascii("{\"id\":1,\"error\":{\"message\":\"x\"}}")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("no integer code");
        assertThatThrownBy(() -> NcsdCodec.decodeResponse(ascii("{\"id\":[1],\"result\":{}}")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("id is ARRAY");
        assertThatThrownBy(() -> NcsdCodec.decodeResponse(ascii("{\"id\":1,\"result\":{}")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("response is not JSON");
    }

    @Test
    void requestsAreImmutable() {
        ObjectNode params = F.objectNode().put("DeviceMode", "Flash");
        NcsdRequest r = NcsdRequest.of(1, "SetDeviceMode", params);
        params.put("DeviceMode", "Normal");
        r.params().put("DeviceMode", "Test");
        assertThat(r.params().get("DeviceMode").asText()).isEqualTo("Flash");
        assertThatThrownBy(() -> NcsdRequest.of(1, "X", F.objectNode().put("MessageVersion", 0)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
