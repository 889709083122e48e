package dev.lumiaagent.bench;

import dev.lumiaagent.image.ede.EdeBuilder;
import dev.lumiaagent.protocol.firehose.FirehoseConfiguration;
import dev.lumiaagent.protocol.firehose.FirehoseProgram;
import dev.lumiaagent.protocol.firehose.FirehoseResult;
import dev.lumiaagent.protocol.firehose.FirehoseSession;
import dev.lumiaagent.protocol.sahara.SaharaDetect;
import dev.lumiaagent.protocol.sahara.SaharaSession;
import dev.lumiaagent.sim.SimModel;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimStorage;
import dev.lumiaagent.sim.SimTtyBridge;
import dev.lumiaagent.sim.SocatPtyPair;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.serial.SerialPathBus;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Emergency over a serial port, measured against the tty it runs on. In one run, on the same kind of
 * pseudo-terminal pair ({@code socat pty,raw,echo=0 pty,raw,echo=0}, {@link SocatPtyPair}):
 * <ol>
 *   <li><b>reference:</b> the plain byte-copy rate of a fresh pty pair: one thread writes N MiB into
 *       one end with plain {@code write(2)}s of 1 MiB ({@link FileOutputStream}), another reads them at the
 *       other end ({@link FileInputStream}, 1 MiB buffer); no protocol, no jSerialComm;</li>
 *   <li><b>Firehose program:</b> the agent's real transport ({@link SerialPathBus}, jSerialComm), Sahara
 *       upload of a simulated programmer, {@code configure} (1 MiB payload) and ONE {@code program} of
 *       N MiB (non-zero bytes) to a simulated Lumia 640 in 9008 served by {@link SimTtyBridge} on a
 *       second fresh pty pair; the phone's eMMC discards what it gets ({@link SimStorage#DISCARD}), the
 *       bridge still re-frames every byte and the programmer still checks every piece.</li>
 * </ol>
 * It prints both rates and their ratio, each of {@code rounds} rounds (default 3) in alternation.
 * Not a test (time is its subject): run it by hand,
 * {@code mvn -B -P bench test-compile exec:exec -Dbench.main=dev.lumiaagent.bench.SerialProgramBench -Dbench.args="256 [rounds]"}.
 */
public final class SerialProgramBench {
    private static final int MIB = 1 << 20;
    private static final SimModel L640 = SimModels.standard().require("RM-1073");

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        if (!SocatPtyPair.available()) {
            throw new IllegalStateException(SocatPtyPair.unavailableReason());
        }
        Path programmer = Files.createTempFile("lumia-agent-serial-bench", ".ede");
        Files.write(programmer, EdeBuilder.forPlatform(L640.platformId()).build());
        try {
            double bestCopy = 0;
            double bestProgram = 0;
            for (int r = 1; r <= rounds; r++) {
                double copy = plainCopy(mib);
                double program = firehoseProgram(mib, programmer);
                bestCopy = Math.max(bestCopy, copy);
                bestProgram = Math.max(bestProgram, program);
                System.out.printf("round %d: pty plain copy %.1f MiB/s, Firehose program %.1f MiB/s, ratio %.2f%n",
                        r, copy, program, program / copy);
            }
            System.out.printf("best of %d: pty plain copy %.1f MiB/s, Firehose program %.1f MiB/s, ratio %.2f (target >= 0.80)%n",
                    rounds, bestCopy, bestProgram, bestProgram / bestCopy);
        } finally {
            Files.deleteIfExists(programmer);
        }
    }

    /** MiB/s of N MiB written into one pty and read at the other, with nothing but read(2)/write(2). */
    static double plainCopy(int mib) throws Exception {
        try (SocatPtyPair pty = SocatPtyPair.start(Duration.ofSeconds(5));
             FileInputStream in = new FileInputStream(pty.right().toFile());
             FileOutputStream out = new FileOutputStream(pty.left().toFile())) {
            long total = (long) mib * MIB;
            byte[] data = new byte[MIB];
            new Random(1).nextBytes(data);
            long start = System.nanoTime();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < mib; i++) {
                        out.write(data);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            byte[] buf = new byte[MIB];
            long got = 0;
            while (got < total) {
                int n = in.read(buf);
                if (n < 0) {
                    throw new IllegalStateException("the pty ended after " + got + " bytes");
                }
                got += n;
            }
            long ns = System.nanoTime() - start;
            writer.get(10, TimeUnit.SECONDS);
            return mib / (ns / 1e9);
        }
    }

    /** MiB/s of one Firehose program of N MiB (its command, raw data and final ACK) over a pty. */
    static double firehoseProgram(int mib, Path programmer) throws Exception {
        try (SocatPtyPair pty = SocatPtyPair.start(Duration.ofSeconds(5));
             SimTtyBridge bridge = SimTtyBridge.start(pty, L640, Set.of(), AgentClock.scaled(200),
                     Duration.ofSeconds(5));
             SerialPathBus bus = new SerialPathBus(pty.right().toString())) {
            bridge.phone().storage(SimStorage.DISCARD);
            try (Link link = bus.open(bus.device(), SaharaSession.LINK_OPTIONS)) {
                SaharaDetect.Detection seen = SaharaDetect.detect(link, Duration.ofSeconds(5));
                if (!(seen instanceof SaharaDetect.SaharaHelloSeen)) {
                    throw new IllegalStateException("expected a Sahara HELLO, saw " + seen);
                }
                SaharaSession sahara = new SaharaSession(link, Duration.ofSeconds(5), ((SaharaDetect.SaharaHelloSeen) seen).hello());
                try (FileChannel ch = FileChannel.open(programmer, StandardOpenOption.READ)) {
                    sahara.uploadImage(ch);
                }
                FirehoseSession firehose = new FirehoseSession(link);
                FirehoseResult<FirehoseConfiguration> conf = firehose.configure("emmc", MIB);
                if (!(conf instanceof FirehoseResult.Ok)) {
                    throw new IllegalStateException("configure: " + conf);
                }
                long sectors = (long) mib * MIB / 512;
                long start = System.nanoTime();
                FirehoseResult<Long> r = firehose.program(FirehoseProgram.of(512, 0, sectors, 0), new Pattern((long) mib * MIB));
                long ns = System.nanoTime() - start;
                if (!(r instanceof FirehoseResult.Ok)) {
                    throw new IllegalStateException("program: " + r);
                }
                if (!bridge.phone().violations().isEmpty() || bridge.failure().isPresent()) {
                    throw new IllegalStateException("the phone saw " + bridge.phone().violations() + " " + bridge.failure());
                }
                return mib / (ns / 1e9);
            }
        }
    }

    /** N bytes of a repeated 1 MiB random pattern: non-zero data without holding N bytes. */
    private static final class Pattern implements ReadableByteChannel {
        private final byte[] block = new byte[MIB];
        private long left;

        Pattern(long size) {
            new Random(2).nextBytes(block);
            left = size;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (left == 0) {
                return -1;
            }
            int at = (int) (((long) Integer.MAX_VALUE - left) % MIB);
            int n = (int) Math.min(Math.min(dst.remaining(), left), MIB - at);
            dst.put(block, at, n);
            left -= n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
