package dev.lumiaagent.protocol.ncsd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lumiaagent.protocol.wire.ProtocolException;
import dev.lumiaagent.sim.BootTarget;
import dev.lumiaagent.sim.LinkKind;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimFault;
import dev.lumiaagent.sim.SimFirmware;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimNcsdFirmware;
import dev.lumiaagent.sim.SimNcsdRecordingControl;
import dev.lumiaagent.sim.SimPhone;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.LinkOptions;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.TransferTimeout;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The host session against the simulated phone over real simulated links, packet and byte-split stream. */
class NcsdSessionTest {
    private static final Duration IO = Duration.ofSeconds(5);
    private static final String IMEI = "356938035643809";

    private SimBus bus;
    private Link link;
    private SimPhone phone;
    private SimNcsdRecordingControl control;

    @AfterEach
    void close() {
        if (link != null) {
            link.close();
        }
        if (bus != null) {
            bus.close();
        }
    }

    /** A session to an RM-914 whose channel is served by {@code firmware(control)}. */
    private NcsdSession open(LinkKind kind, Function<SimNcsdRecordingControl, SimFirmware> firmware) {
        return open(kind, firmware, NcsdSession.DEFAULT_REPLY_TIMEOUT, NcsdCodec.MAX_MESSAGE_BYTES);
    }

    private NcsdSession open(LinkKind kind, Function<SimNcsdRecordingControl, SimFirmware> firmware, Duration timeout,
                             int maxMessage) {
        AgentClock clock = AgentClock.scaled(1000);
        phone = new SimPhone(SimModels.standard().require("RM-914"), IMEI, "S1", Mode.NORMAL, 73, kind,
                EnumSet.noneOf(SimFault.class));
        control = new SimNcsdRecordingControl(phone, clock);
        bus = new SimBus(clock, (p, b, port) -> firmware.apply(control));
        bus.streamChunk(1); // stream links deliver every byte on its own
        UsbDevice device = bus.attach(PortPath.parse("1-3"), phone);
        link = bus.open(device, LinkOptions.defaults());
        assertThat(link.keepsBoundaries()).isEqualTo(kind == LinkKind.PACKET);
        return new NcsdSession(link, timeout, maxMessage);
    }

    /** A phone that answers each request with the given texts (id substituted for %d), in order. */
    private static SimFirmware scripted(List<Long> ids, Function<NcsdRequest, List<String>> replies) {
        return (message, out) -> {
            NcsdRequest request = NcsdCodec.decodeRequest(message);
            ids.add(request.id().longValue());
            for (String reply : replies.apply(request)) {
                out.send(String.format(reply, request.id().longValue()).getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void readsIdentityVersionsBatteryAndSecurityFromTheSimulatedPhone(LinkKind kind) {
        NcsdSession session = open(kind, SimNcsdFirmware::new);
        // RM-914 values from real 520s: 059S083 (traces/nok/105), 3058.51000.1523.1010 and OS 10.0.10586.1176 (traces/ncsd/006)
        assertThat(session.productCode().orElseThrow()).isEqualTo("059S083");
        assertThat(session.manufacturerModelName().orElseThrow()).isEqualTo("RM-914_apac_australia_new_zealand_295");
        assertThat(session.productType().orElseThrow()).isEqualTo("RM-914");
        assertThat(session.swVersion().orElseThrow()).isEqualTo("3058.51000.1523.1010");
        assertThat(session.bspVersion().orElseThrow()).isEqualTo("3058.51000");
        assertThat(session.osVersion().orElseThrow()).isEqualTo("10.0.10586.1176");
        assertThat(session.imei(0).orElseThrow()).isEqualTo(IMEI);
        assertThat(session.operatorName().isPresent()).isTrue();
        assertThat(session.publicId().orElseThrow()).isEqualTo(phone.publicId()).hasSize(20);
        assertThat(session.batteryLevel().orElseThrow()).isEqualTo(73);
        assertThat(session.securityMode().orElseThrow()).isEqualTo("Restricted");
        assertThat(session.secureFfuEnabled().orElseThrow()).isTrue();
        assertThat(session.platformSecureBootEnabled().orElseThrow()).isTrue();
        assertThat(session.uefiSecureBootEnabled().orElseThrow()).isTrue();
        assertThat(session.productionDone().orElseThrow()).isTrue();
        assertThat(session.uefiCertificateStatus().orElseThrow())
                // "Boot policy: Unsecure" on every retail phone captured (traces/ncsd/001, 002; WPinternals issues 49, 43)
                .isEqualTo(new UefiCertificateStatus("Unsecure", "SecureProduction", "SecureProduction",
                        "SecureProduction", "SecureProduction"));
        assertThat(phone.violations()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void whatThePhoneRejectsIsAbsentNotInvented(LinkKind kind) {
        NcsdSession session = open(kind, SimNcsdFirmware::new);
        NcsdAnswer<String> sim2 = session.imei(1);
        assertThat(sim2.value()).isEmpty();
        assertThat(sim2).isInstanceOfSatisfying(NcsdAnswer.Rejected.class,
                r -> assertThat(r.error().code()).isEqualTo(NcsdError.INVALID_PARAMS));
        // and the session is still in step afterwards
        assertThat(session.productCode().orElseThrow()).isEqualTo("059S083");
    }

    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void aJsonRpcErrorComesBackAsAValue(LinkKind kind) {
        NcsdSession session = open(kind, SimNcsdFirmware::new);
        NcsdResponse r = session.call("ReadMeid", IO);
        assertThat(r.answers(0)).isTrue();
        assertThat(r.error()).hasValue(new NcsdError(-32601, "Method not found"));
    }

    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void setDeviceModeRebootsThePhoneWithoutWaitingForAReply(LinkKind kind) throws Exception {
        NcsdSession session = open(kind, SimNcsdFirmware::new);
        assertThat(session.setDeviceMode(DeviceMode.FLASH, ResetMethod.HW_RESET, Duration.ofMillis(100))).isEmpty();
        assertThat(control.nextReboot(IO)).isEqualTo(BootTarget.FLASH_APP);
        assertThat(session.setDeviceMode(DeviceMode.NORMAL, ResetMethod.HW_RESET, Duration.ofMillis(100))).isEmpty();
        assertThat(control.nextReboot(IO)).isEqualTo(BootTarget.OS);
        assertThat(phone.violations()).isEmpty();
    }

    @Test
    void setDeviceModeSendsTheWpinternalsBytesAndDrainsAReplyIfOneComes() {
        List<String> seen = new CopyOnWriteArrayList<>();
        NcsdSession session = open(LinkKind.PACKET, c -> (message, out) -> {
            seen.add(new String(message, StandardCharsets.UTF_8));
            out.send("{\"jsonrpc\":\"2.0\",\"id\":0,\"error\":{\"code\":150,\"message\":\"denied\"}}".getBytes(StandardCharsets.UTF_8));
        });
        assertThat(session.setDeviceMode(DeviceMode.TEST, ResetMethod.HW_RESET, IO)).hasValueSatisfying(
                r -> assertThat(r.error()).hasValue(new NcsdError(150, "denied")));
        assertThat(seen).containsExactly("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"SetDeviceMode\",\"params\":"
                + "{\"DeviceMode\":\"Test\",\"ResetMethod\":\"HwReset\",\"MessageVersion\":0}}");
        // The next call starts clean: the drained reply is not mistaken for its answer.
        assertThatThrownBy(() -> session.call("ReadProductCode", Duration.ofMillis(300)))
                .isInstanceOf(TransferTimeout.class);
    }

    @Test
    void idsCountFromZeroPerSession() {
        List<Long> ids = new CopyOnWriteArrayList<>();
        NcsdSession session = open(LinkKind.PACKET, c -> scripted(ids, r ->
                List.of("{\"jsonrpc\":\"2.0\",\"id\":%d,\"result\":{\"ProductCode\":\"059Q9D7\"}}")));
        for (int i = 0; i < 3; i++) {
            assertThat(session.productCode().orElseThrow()).isEqualTo("059Q9D7");
        }
        assertThat(ids).containsExactly(0L, 1L, 2L);
    }

    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void repliesWithOtherIdsAreDropped(LinkKind kind) {
        List<Long> ids = new CopyOnWriteArrayList<>();
        NcsdSession session = open(kind, c -> scripted(ids, r -> List.of(
                "{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":{\"BatteryLevel\":1}}",
                "{\"jsonrpc\":\"2.0\",\"id\":\"%d\",\"result\":{\"BatteryLevel\":2}}",
                "{\"jsonrpc\":\"2.0\",\"id\":%d,\"result\":{\"BatteryLevel\":\"85\"}}")));
        // A quoted number is read like WDRT reads it (§2.2).
        assertThat(session.batteryLevel().orElseThrow()).isEqualTo(85);
    }

    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void silenceAndOnlyForeignIdsBothEndInTransferTimeoutWithinTheBound(LinkKind kind) {
        List<Long> ids = new CopyOnWriteArrayList<>();
        NcsdSession session = open(kind, c -> scripted(ids, r -> r.method().equals("Silent") ? List.of()
                : List.of("{\"jsonrpc\":\"2.0\",\"id\":12345,\"result\":{}}")));
        long start = System.nanoTime();
        assertThatThrownBy(() -> session.call("Silent", Duration.ofMillis(150)))
                .isInstanceOfSatisfying(TransferTimeout.class, t -> {
                    assertThat(t.direction()).isEqualTo(TransferTimeout.Direction.IN);
                    assertThat(t.bytesMoved()).isZero();
                });
        assertThatThrownBy(() -> session.call("Foreign", Duration.ofMillis(150)))
                .isInstanceOfSatisfying(TransferTimeout.class, t -> assertThat(t.bytesMoved()).isPositive());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(IO);
        assertThat(ids).containsExactly(0L, 1L);
    }

    @Test
    void aStreamReplyIsReassembledByBracesThatRespectStringsAndEscapes() {
        List<Long> ids = new CopyOnWriteArrayList<>();
        // Leading whitespace, braces and escaped quotes inside strings, WDRT's NUL after the object.
        NcsdSession session = open(LinkKind.STREAM, c -> scripted(ids, r -> List.of(
                " \r\n{\"jsonrpc\":\"2.0\",\"id\":%d,\"result\":{\"OperatorName\":\"a}\\\"{b\\\\\",\"X\":[{}]}}\0")));
        assertThat(session.operatorName().orElseThrow()).isEqualTo("a}\"{b\\");
        assertThat(session.operatorName().orElseThrow()).isEqualTo("a}\"{b\\");
    }

    @Test
    void aStreamObjectBeyondTheLimitIsADesync() {
        List<Long> ids = new CopyOnWriteArrayList<>();
        NcsdSession session = open(LinkKind.STREAM, c -> scripted(ids, r -> List.of(
                "{\"jsonrpc\":\"2.0\",\"id\":%d,\"result\":{\"OperatorName\":\"" + "x".repeat(200) + "\"}}")), IO, 64);
        assertThatThrownBy(session::operatorName).isInstanceOf(ProtocolException.class).hasMessageContaining("exceeds 64");
    }

    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void bytesThatAreNotAReplyAreADesync(LinkKind kind) {
        NcsdSession session = open(kind, c -> (message, out) -> out.send("NOKU".getBytes(StandardCharsets.US_ASCII)));
        assertThatThrownBy(session::productCode).isInstanceOf(ProtocolException.class);
    }

    @Test
    void aResultWithoutTheDatumIsAbsentAndAnAssumedMemberNameFallsBackToTheOnlyMember() {
        List<Long> ids = new CopyOnWriteArrayList<>();
        NcsdSession session = open(LinkKind.PACKET, c -> scripted(ids, r -> {
            switch (r.method()) {
                case "ReadSecureFfuEnabled":
                    return List.of("{\"id\":%d,\"result\":{\"SecureFfu\":\"false\"}}");
                case "ReadBatteryLevel":
                    return List.of("{\"id\":%d,\"result\":{\"BatteryLevel\":\"n/a\"}}");
                default:
                    return List.of("{\"id\":%d,\"result\":{}}");
            }
        }));
        assertThat(session.secureFfuEnabled().orElseThrow()).isFalse();
        NcsdAnswer<Integer> battery = session.batteryLevel();
        assertThat(battery).isInstanceOf(NcsdAnswer.Missing.class);
        assertThat(battery.toString()).contains("BatteryLevel is \"n/a\", expected a percentage");
        assertThat(session.productCode()).isInstanceOf(NcsdAnswer.Missing.class);
        assertThat(session.productType().value()).isEmpty();
    }

    @Test
    void callParamsGoOutBeforeMessageVersion() {
        List<String> seen = new CopyOnWriteArrayList<>();
        NcsdSession session = open(LinkKind.PACKET, c -> (message, out) -> {
            seen.add(new String(message, StandardCharsets.UTF_8));
            out.send("{\"id\":0,\"result\":{\"SerialNumber\":\"1\"}}".getBytes(StandardCharsets.UTF_8));
        });
        session.call("ReadSerialNumber", JsonNodeFactory.instance.objectNode().put("SubscriptionId", 0), IO);
        assertThat(seen).containsExactly("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"ReadSerialNumber\","
                + "\"params\":{\"SubscriptionId\":0,\"MessageVersion\":0}}");
    }
}
