package dev.lumiaagent.protocol.sahara;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.protocol.sahara.SaharaPacket.DoneResponse;
import dev.lumiaagent.protocol.sahara.SaharaPacket.EndOfImageTransfer;
import dev.lumiaagent.protocol.sahara.SaharaPacket.MemoryDebug;
import dev.lumiaagent.protocol.sahara.SaharaPacket.MemoryDebug64;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ReadData;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SaharaHello;
import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.protocol.wire.ProtocolException;
import dev.lumiaagent.transport.TransferTimeout;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Session paths the simulated PBL does not take, over a scripted link (packet or stream). */
class SaharaSessionScriptedTest {

    /** The shared scripted link, plus Sahara packets as device transfers. */
    static final class ScriptedLink extends dev.lumiaagent.testing.ScriptedLink {
        final List<byte[]> out = written;

        ScriptedLink(boolean packet, int chunk) {
            super(packet, chunk);
        }

        @Override
        public ScriptedLink device(byte[]... transfers) {
            super.device(transfers);
            return this;
        }

        ScriptedLink device(SaharaPacket... packets) {
            for (SaharaPacket p : packets) {
                super.device(SaharaCodec.encode(p));
            }
            return this;
        }

        /** What the host wrote that parses as Sahara packets (image data does not). */
        List<SaharaPacket> hostPackets() {
            List<SaharaPacket> r = new ArrayList<>();
            for (byte[] b : out) {
                try {
                    r.add(SaharaCodec.decode(b));
                } catch (ProtocolException raw) {
                    // image data
                }
            }
            return r;
        }
    }

    private static final SaharaHello HELLO = new SaharaHello(2, 1, 0x400, SaharaMode.IMAGE_TX_PENDING);

    private static SeekableByteChannel image(byte[] data) {
        return new java.nio.channels.SeekableByteChannel() {
            long pos;

            public int read(ByteBuffer dst) {
                if (pos >= data.length) {
                    return -1;
                }
                int n = (int) Math.min(dst.remaining(), data.length - pos);
                dst.put(data, (int) pos, n);
                pos += n;
                return n;
            }

            public int write(ByteBuffer src) {
                throw new UnsupportedOperationException();
            }

            public long position() {
                return pos;
            }

            public SeekableByteChannel position(long p) {
                pos = p;
                return this;
            }

            public long size() {
                return data.length;
            }

            public SeekableByteChannel truncate(long size) {
                throw new UnsupportedOperationException();
            }

            public boolean isOpen() {
                return true;
            }

            public void close() {
            }
        };
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3})
    void randomAccessReadsAndTheDonePendingQuirk(int chunk) {
        ScriptedLink l = new ScriptedLink(chunk == 0, Math.max(chunk, 1)).device(HELLO,
                new ReadData(13, 6, 4), new ReadData(13, 0, 2), new EndOfImageTransfer(13, SaharaStatus.SUCCESS),
                new DoneResponse(DoneResponse.PENDING));
        SaharaUpload up = new SaharaSession(l, Duration.ofMillis(200)).uploadImage(image("0123456789".getBytes()));
        assertThat(up.donePending()).isTrue();
        assertThat(up.requests()).isEqualTo(2);
        assertThat(up.bytesServed()).isEqualTo(6);
        assertThat(new String(l.out.get(1), StandardCharsets.US_ASCII)).isEqualTo("6789");
        assertThat(new String(l.out.get(2), StandardCharsets.US_ASCII)).isEqualTo("01");
        assertThat(l.hostPackets().get(0)).isEqualTo(SaharaPacket.SaharaHelloResponse.of(SaharaMode.IMAGE_TX_PENDING));
        assertThat(l.hostPackets().get(l.hostPackets().size() - 1)).isEqualTo(new SaharaPacket.SaharaDone());
    }

    @Test
    void paddingPolicyFillsWithFf() {
        ScriptedLink l = new ScriptedLink(true, 1).device(HELLO, new ReadData(13, 8, 4),
                new EndOfImageTransfer(13, SaharaStatus.SUCCESS), new DoneResponse(1));
        new SaharaSession(l, Duration.ofMillis(200)).uploadImage(image("0123456789".getBytes()),
                SaharaSession.OutOfRange.PAD_WITH_FF);
        assertThat(l.out.get(1)).isEqualTo(Bytes.fromHex("3839FFFF"));
    }

    @Test
    void aTransferShorterThanItsLengthFieldIsDesync() {
        byte[] hello = SaharaCodec.encode(HELLO);
        ScriptedLink l = new ScriptedLink(true, 1).device(java.util.Arrays.copyOf(hello, 0x20));
        assertThatThrownBy(() -> new SaharaSession(l, Duration.ofMillis(200)).hello())
                .isInstanceOf(ProtocolException.class).hasMessageContaining("received 0x20");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void xmlWhereSaharaWasExpectedNamesTheFirehoseProgrammer(boolean packet) {
        ScriptedLink l = new ScriptedLink(packet, 7)
                .device("<?xml version=\"1.0\" ?><data><log value=\"hello\"/></data>".getBytes(StandardCharsets.US_ASCII));
        SaharaSession s = new SaharaSession(l, Duration.ofMillis(200));
        s.assumeHelloConsumed();
        assertThatThrownBy(s::enterCommandMode).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("Firehose programmer is already running");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void memoryDebugRegionsAreListed(boolean is64) {
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        for (int i = 0; i < 2; i++) {
            byte[] e = new byte[is64 ? 64 : 52];
            if (is64) {
                Bytes.putLe64(e, 0, 1);
                Bytes.putLe64(e, 8, 0x80000000L + i * 0x1000L);
                Bytes.putLe64(e, 16, 0x1000);
            } else {
                Bytes.putLe32(e, 0, 1);
                Bytes.putLe32(e, 4, 0x80000000L + i * 0x1000L);
                Bytes.putLe32(e, 8, 0x1000);
            }
            byte[] name = ("REGION" + i + ".BIN").getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(name, 0, e, is64 ? 44 : 32, name.length);
            table.writeBytes(e);
        }
        byte[] t = table.toByteArray();
        SaharaPacket debug = is64 ? new MemoryDebug64(0x146BF000L, t.length) : new MemoryDebug(0x146BF000L, t.length);
        ScriptedLink l = new ScriptedLink(true, 1).device(new SaharaHello(2, 1, 0x400, SaharaMode.MEMORY_DEBUG), debug)
                .device(t);
        List<SaharaMemoryRegion> regions = new SaharaSession(l, Duration.ofMillis(200)).memoryRegions();
        assertThat(regions).extracting(SaharaMemoryRegion::filename).containsExactly("REGION0.BIN", "REGION1.BIN");
        assertThat(regions.get(1).base()).isEqualTo(0x80001000L);
        assertThat(l.hostPackets().get(1)).isEqualTo(is64 ? new SaharaPacket.MemoryRead64(0x146BF000L, t.length)
                : new SaharaPacket.MemoryRead(0x146BF000L, t.length));
    }

    @Test
    void commandModeRejectedIsAVerdict() {
        ScriptedLink l = new ScriptedLink(true, 1).device(HELLO, new EndOfImageTransfer(0, SaharaStatus.of(0x18)));
        assertThatThrownBy(() -> new SaharaSession(l, Duration.ofMillis(200)).enterCommandMode())
                .isInstanceOfSatisfying(SaharaRefused.class, e -> assertThat(e.status().name()).isEqualTo("INVALID_HOST_MODE"));
    }

    @Test
    void noHelloIsABoundedTimeout() {
        ScriptedLink l = new ScriptedLink(true, 1);
        assertThatThrownBy(() -> new SaharaSession(l, Duration.ofMillis(100)).hello()).isInstanceOf(TransferTimeout.class);
        assertThat(SaharaDetect.detect(l, Duration.ofMillis(100))).isInstanceOf(SaharaDetect.Silent.class);
    }

    @Test
    void detectionClassifiesWhatArrivesFirst() {
        assertThat(SaharaDetect.detect(new ScriptedLink(false, 1).device(new EndOfImageTransfer(13, SaharaStatus.of(0x21))),
                Duration.ofMillis(500))).isInstanceOfSatisfying(SaharaDetect.SaharaMidSession.class,
                        m -> assertThat(m.first()).isEqualTo(new EndOfImageTransfer(13, SaharaStatus.of(0x21))));
        assertThat(SaharaDetect.detect(new ScriptedLink(true, 1).device(Bytes.fromHex("7E0E0102037E")), Duration.ofMillis(200)))
                .isInstanceOf(SaharaDetect.HdlcSeen.class);
    }
}
