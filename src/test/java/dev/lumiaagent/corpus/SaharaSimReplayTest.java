package dev.lumiaagent.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.image.ede.EdeBuilder;
import dev.lumiaagent.protocol.sahara.SaharaCodec;
import dev.lumiaagent.protocol.sahara.SaharaMode;
import dev.lumiaagent.protocol.sahara.SaharaPacket;
import dev.lumiaagent.protocol.sahara.SaharaPacket.DoneResponse;
import dev.lumiaagent.protocol.sahara.SaharaPacket.EndOfImageTransfer;
import dev.lumiaagent.protocol.sahara.SaharaPacket.Execute;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ExecuteData;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ExecuteResponse;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ReadData;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ReadData64;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SaharaHello;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SaharaHelloResponse;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SwitchMode;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimPblDriver;
import dev.lumiaagent.testing.Trace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Sahara capture with host packets, replayed into the simulated PBL: the preamble puts the PBL in
 * the state the capture starts in, then each captured HOST packet is fed in order and each reply must
 * have the captured reply's command, length and status (values that identify a device — HWID, serial,
 * the OEM PK hash's size, image offsets — may differ). A capture, or a part of one, that cannot be
 * replayed is named in {@link #NOT_REPLAYED} or {@link #PARTS_NOT_REPLAYED} with the reason; the test
 * fails when a capture with host packets is in neither the replay list nor those lists.
 */
class SaharaSimReplayTest {
    private static final String MODEL = "RM-1073";

    /** Captures with host packets that cannot be replayed into the sim, and why. */
    static final Map<String, String> NOT_REPLAYED = Map.of(
            "sahara/008", "this MSM8909 PBL implements no client command at all; the simulated PBLs implement 0x02 and"
                    + " 0x07, so the same host packets get EXECUTE_RESP (the refusal form is replayed in SimEdlSessionTest"
                    + " with a command the sim does not implement)");

    /** Captures replayed only up to a point, and why the rest cannot be. */
    static final Map<String, String> PARTS_NOT_REPLAYED = Map.of(
            "sahara/007", "only HELLO_RESP → CMD_READY: the EXECUTE 0x03 that the later EXECUTE_RESP answers (and that"
                    + " the EXECUTE_DATA 0x03 needs) is not in the excerpt",
            "sahara/009", "only the first RESET: after RESET_RESP the phone reboots and the sim takes it off the bus, so"
                    + " the two later RESETs (no reply in the capture) cannot be written at all");
    /** How many host packets of the captures in {@link #PARTS_NOT_REPLAYED} are replayed. */
    private static final Map<String, Integer> HOST_PACKETS_REPLAYED = Map.of("sahara/007", 1, "sahara/009", 1);

    /** How to reach the state a capture starts in; returns the PBL's answer to the last preamble step. */
    private static final Map<String, Function<SimPblDriver, List<byte[]>>> PREAMBLE = Map.of(
            "sahara/002", SimPblDriver::open,
            "sahara/003", p -> commandMode(p, new Execute(0x02)),
            "sahara/004", p -> commandMode(p, new Execute(0x02)),
            "sahara/005", p -> {
                commandMode(p, new Execute(0x02));
                return p.host(SaharaCodec.encode(new ExecuteData(0x02)));
            },
            "sahara/006", p -> {
                p.open();
                return p.host(SaharaCodec.encode(SaharaHelloResponse.of(SaharaMode.COMMAND)));
            },
            "sahara/007", SimPblDriver::open,
            "sahara/009", SimPblDriver::open,
            "sahara/010", p -> {
                commandMode(p, new Execute(0x01));
                return p.host(SaharaCodec.encode(new ExecuteData(0x01)));
            },
            "sahara/018", p -> commandMode(p, new SwitchMode(SaharaMode.COMMAND)),
            "sahara/022", SaharaSimReplayTest::uploadUntilEndOfImage);

    /** Which captured PBLs read with READ_DATA_64 (their captures show 0x12 requests). */
    private static final List<String> READ_DATA_64 = List.of("sahara/002", "sahara/018", "sahara/022");

    private static List<byte[]> commandMode(SimPblDriver p, SaharaPacket then) {
        p.open();
        p.host(SaharaCodec.encode(SaharaHelloResponse.of(SaharaMode.COMMAND)));
        return p.host(SaharaCodec.encode(then));
    }

    private static List<byte[]> uploadUntilEndOfImage(SimPblDriver p) {
        byte[] file = EdeBuilder.forPlatform(SimModels.standard().require(MODEL).platformId()).elf64(true).build();
        p.open();
        List<byte[]> answer = p.host(SaharaCodec.encode(SaharaHelloResponse.of(SaharaMode.IMAGE_TX_PENDING)));
        while (true) {
            SaharaPacket r = SaharaCodec.decode(answer.get(0));
            if (!(r instanceof ReadData64)) {
                return answer;
            }
            ReadData64 rd = (ReadData64) r;
            answer = p.host(Arrays.copyOfRange(file, (int) rd.offset(), (int) (rd.offset() + rd.length())));
        }
    }

    private static String key(Trace t) {
        return t.name().substring(0, "sahara/NNN".length());
    }

    static Stream<Trace> replayable() {
        return Trace.of("sahara").stream().filter(t -> t.transfers().stream().anyMatch(Trace.Entry::fromHost))
                .filter(t -> !NOT_REPLAYED.containsKey(key(t)));
    }

    @Test
    void everyCaptureWithHostPacketsIsReplayedOrSaysWhyNot() {
        List<String> withHost = Trace.of("sahara").stream().filter(t -> t.transfers().stream().anyMatch(Trace.Entry::fromHost))
                .map(SaharaSimReplayTest::key).collect(Collectors.toList());
        assertThat(withHost).isNotEmpty();
        assertThat(withHost).allSatisfy(k -> assertThat(PREAMBLE.containsKey(k) || NOT_REPLAYED.containsKey(k))
                .as("%s has a preamble or a reason it is not replayed", k).isTrue());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replayable")
    void theSimulatedPblAnswersTheCapturedHostPacketsAsTheDeviceDid(Trace t) {
        String k = key(t);
        SimPblDriver pbl = new SimPblDriver(MODEL, 2, READ_DATA_64.contains(k));
        List<Trace.Entry> transfers = t.transfers();
        int firstHost = 0;
        while (!transfers.get(firstHost).fromHost()) {
            firstHost++;
        }
        List<byte[]> lastPreamble = PREAMBLE.get(k).apply(pbl);
        if (firstHost > 0) {
            // the device packet just before the first host packet answers the preamble's last step
            same(k, transfers.get(firstHost - 1), lastPreamble.get(lastPreamble.size() - 1), false);
        }
        int compared = 0;
        int hostPackets = 0;
        for (int i = firstHost; i < transfers.size(); i++) {
            Trace.Entry host = transfers.get(i);
            if (!host.fromHost()) {
                continue;
            }
            if (++hostPackets > HOST_PACKETS_REPLAYED.getOrDefault(k, Integer.MAX_VALUE)) {
                break; // the rest is listed in PARTS_NOT_REPLAYED with the reason
            }
            assertThat(pbl.reboots()).as("%s: host packets after the phone rebooted", k).isEmpty();
            List<byte[]> replies = pbl.host(host.bytes());
            List<Trace.Entry> captured = new ArrayList<>();
            for (int j = i + 1; j < transfers.size() && transfers.get(j).fromDevice(); j++) {
                captured.add(transfers.get(j));
            }
            int expected = captured.size();
            if (PARTS_NOT_REPLAYED.containsKey(k) && hostPackets == HOST_PACKETS_REPLAYED.get(k)) {
                expected = Math.min(expected, replies.size()); // later device packets answer host packets not in the excerpt
            }
            assertThat(replies.size()).as("%s line %d: the sim sent fewer replies than captured", k, host.line())
                    .isGreaterThanOrEqualTo(expected);
            // EXECUTE_DATA is answered with raw bytes (§2.5), whether or not the capture marks them (raw …)
            boolean raw = isExecuteData(host.bytes());
            for (int j = 0; j < expected; j++) {
                same(k, captured.get(j), replies.get(j), raw);
                compared++;
            }
        }
        assertThat(compared + (firstHost > 0 ? 1 : 0)).as("%s: replies compared", k).isPositive();
        assertThat(pbl.phone().violations()).as("%s: the sim saw no protocol violation", k).isEmpty();
    }

    /** Image data the host sends (sahara/018) is not a packet. */
    private static boolean isExecuteData(byte[] hostBytes) {
        try {
            return SaharaCodec.decode(hostBytes) instanceof ExecuteData;
        } catch (dev.lumiaagent.protocol.wire.ProtocolException e) {
            return false;
        }
    }

    /** Same command, length and status; raw data: the same length. */
    private static void same(String k, Trace.Entry captured, byte[] actual, boolean raw) {
        String at = k + " line " + captured.line();
        if (raw || captured.raw()) {
            assertThat(actual).as(at + ": raw reply length").hasSize(captured.bytes().length);
            return;
        }
        SaharaPacket want = SaharaCodec.decode(captured.bytes());
        SaharaPacket got = SaharaCodec.decode(actual);
        assertThat(got.command()).as(at + ": command").isEqualTo(want.command());
        assertThat(actual.length).as(at + ": length").isEqualTo(captured.bytes().length);
        assertThat(status(got)).as(at + ": status").isEqualTo(status(want));
    }

    /** The fields that are the device's verdict or the protocol's shape, not the device's identity. */
    private static String status(SaharaPacket p) {
        if (p instanceof EndOfImageTransfer) {
            EndOfImageTransfer e = (EndOfImageTransfer) p;
            return "image " + e.imageId() + " status " + e.status().code();
        }
        if (p instanceof DoneResponse) {
            return "complete " + ((DoneResponse) p).complete();
        }
        if (p instanceof SaharaHello) {
            SaharaHello h = (SaharaHello) p;
            return "v" + h.version() + " mode " + h.mode();
        }
        if (p instanceof ExecuteResponse) {
            ExecuteResponse r = (ExecuteResponse) p;
            // The OEM PK hash's size is the device's (3 × 48 on SM8150, 3 × 32 for our SHA-256 models).
            return "client command " + r.clientCommand() + (r.clientCommand() == 0x03 ? "" : " data " + r.dataLength());
        }
        if (p instanceof ReadData || p instanceof ReadData64) {
            long off = p instanceof ReadData ? ((ReadData) p).offset() : ((ReadData64) p).offset();
            long len = p instanceof ReadData ? ((ReadData) p).length() : ((ReadData64) p).length();
            return off == 0 ? "ELF header " + len : "at " + off; // the first request is the PBL's; later ones the image's
        }
        return "";
    }
}
