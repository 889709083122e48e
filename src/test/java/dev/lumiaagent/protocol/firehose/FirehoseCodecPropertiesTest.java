package dev.lumiaagent.protocol.firehose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.protocol.wire.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class FirehoseCodecPropertiesTest {

    @Property(tries = 2000)
    void randomBytesAreDocumentsOrProtocolExceptions(@ForAll @Size(max = 200) byte[] bytes) {
        onlyProtocolException(() -> FirehoseCodec.decodeDevice(bytes));
        onlyProtocolException(() -> FirehoseCodec.decodeCommand(bytes));
        onlyProtocolException(() -> FirehoseCodec.documentEnd(bytes, 0, bytes.length));
    }

    @Property(tries = 2000)
    void damagedDocumentsAreDocumentsOrProtocolExceptions(@ForAll("documents") byte[] doc, @ForAll @IntRange(max = 10_000) int at,
                                                           @ForAll byte replacement, @ForAll boolean truncate) {
        byte[] d = doc.clone();
        int i = at % d.length;
        byte[] damaged;
        if (truncate) {
            damaged = java.util.Arrays.copyOf(d, i);
        } else {
            d[i] = replacement;
            damaged = d;
        }
        onlyProtocolException(() -> FirehoseCodec.decodeDevice(damaged));
        onlyProtocolException(() -> FirehoseCodec.decodeCommand(damaged));
    }

    @Property(tries = 500)
    void deviceMessagesRoundTrip(@ForAll("deviceMessages") FirehoseDeviceMessage m) {
        assertThat(FirehoseCodec.decodeDevice(FirehoseCodec.encodeDevice(m))).containsExactly(m);
    }

    @Property(tries = 500)
    void commandsRoundTrip(@ForAll("commands") FirehoseCommand c) {
        assertThat(FirehoseCodec.decodeCommand(FirehoseCodec.encode(c))).isEqualTo(c);
    }

    @Property(tries = 300)
    void documentsSplitAnywhereReassemble(@ForAll("deviceMessages") FirehoseDeviceMessage a,
                                          @ForAll("deviceMessages") FirehoseDeviceMessage b, @ForAll @IntRange(max = 10_000) int cut) {
        byte[] da = FirehoseCodec.encodeDevice(a);
        byte[] db = FirehoseCodec.encodeDevice(b);
        byte[] both = new byte[da.length + db.length];
        System.arraycopy(da, 0, both, 0, da.length);
        System.arraycopy(db, 0, both, da.length, db.length);
        int c = cut % both.length;
        int end = FirehoseCodec.documentEnd(both, 0, c);
        assertThat(end).isEqualTo(c >= da.length ? da.length : -1);
        assertThat(FirehoseCodec.decodeDevice(both)).containsExactly(a, b);
    }

    private static void onlyProtocolException(Runnable r) {
        try {
            r.run();
        } catch (ProtocolException expected) {
            // desync is the only allowed failure
        }
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.strings().withCharRange(' ', '~').withChars('\n', '\t', 'é', '€', '&', '<', '"', '\'').ofMaxLength(60);
    }

    @Provide
    Arbitrary<FirehoseDeviceMessage> deviceMessages() {
        Arbitrary<FirehoseDeviceMessage> log = values().map(FirehoseLog::new);
        Arbitrary<FirehoseDeviceMessage> response = Combinators.combine(Arbitraries.of(true, false),
                Arbitraries.maps(Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12)
                        .filter(k -> !k.equals("value")), values()).ofMaxSize(4))
                .as((ack, attrs) -> new FirehoseResponse(ack, attrs, List.of(), List.of()));
        return Arbitraries.oneOf(log, response);
    }

    @Provide
    Arbitrary<byte[]> documents() {
        return Arbitraries.oneOf(deviceMessages().map(FirehoseCodec::encodeDevice), commands().map(FirehoseCodec::encode));
    }

    @Provide
    Arbitrary<FirehoseCommand> commands() {
        Arbitrary<Integer> sector = Arbitraries.of(512, 4096);
        Arbitrary<Long> count = Arbitraries.longs().between(1, 1L << 40);
        Arbitrary<Integer> lun = Arbitraries.integers().between(0, 7);
        Arbitrary<FirehoseExpression> start = Arbitraries.oneOf(Arbitraries.longs().between(0, 1L << 40).map(FirehoseExpression::of),
                Arbitraries.longs().between(0, 100).map(n -> FirehoseExpression.parse("NUM_DISK_SECTORS-" + n + ".")));
        return Arbitraries.oneOf(
                Combinators.combine(Arbitraries.of("emmc", "ufs", "eMMC"), Arbitraries.longs().between(1, 1L << 30),
                        Arbitraries.of(true, false)).as((m, p, z) -> new FirehoseConfigure(m, p, z, 0, false)),
                Combinators.combine(sector, count, lun, start, values()).as((s, n, l, st, f) -> new FirehoseProgram(s, n, l, st, f, "")),
                Combinators.combine(sector, count, lun, start).as(FirehoseRead::new),
                Combinators.combine(sector, count, lun, start).as(FirehoseErase::new),
                Combinators.combine(sector, count, lun, start).as(FirehoseGetSha256Digest::new),
                Combinators.combine(sector, Arbitraries.longs().between(0, 4095), lun, Arbitraries.integers().between(1, 8), start,
                        start, values()).as((s, off, l, size, st, v, w) -> new FirehosePatch(s, off, "DISK", l, size, st, v, w)),
                lun.map(FirehoseGetStorageInfo::new),
                Arbitraries.just(new FirehoseNop()),
                Arbitraries.just(FirehosePower.reset()),
                Arbitraries.just(new FirehoseOtherCommand("peek", Map.of("address64", "1", "SizeInBytes", "4"))));
    }

    @Property(tries = 50)
    void encodedCommandsAreUtf8Xml(@ForAll("commands") FirehoseCommand c) {
        assertThat(new String(FirehoseCodec.encode(c), StandardCharsets.UTF_8)).startsWith(FirehoseCodec.HOST_DECLARATION + "<data><");
    }
}
