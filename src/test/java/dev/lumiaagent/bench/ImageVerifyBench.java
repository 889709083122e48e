package dev.lumiaagent.bench;

import dev.lumiaagent.image.ffu.BlockSource;
import dev.lumiaagent.image.ffu.FfuBuilder;
import dev.lumiaagent.image.ffu.FfuFile;
import dev.lumiaagent.image.ffu.FfuProgress;
import dev.lumiaagent.image.ffu.FfuVerification;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Not a test: times {@code ffu verify} against {@code sha256sum} on the same 1 GiB FFU in one run.
 * Run through the bench profile (docs/performance.md):
 * {@code mvn -B -P bench test-compile exec:exec -Dbench.main=dev.lumiaagent.bench.ImageVerifyBench -Dbench.args="[SIZE_MIB] [DIR]"}.
 * Both read a file the build just wrote, so both see a warm page cache; each is run three times,
 * alternating, and the best time of each is reported.
 */
public final class ImageVerifyBench {

    /** Every block non-zero, generated quickly (SplitMix64), so the payload is the whole disk. */
    static final class FullDisk implements BlockSource {
        private final long size;

        FullDisk(long size) {
            this.size = size;
        }

        @Override
        public long sizeBytes() {
            return size;
        }

        @Override
        public void read(long offset, ByteBuffer dst) {
            long s = offset * 0x9E3779B97F4A7C15L + 1;
            while (dst.remaining() >= 8) {
                s += 0x9E3779B97F4A7C15L;
                long z = (s ^ (s >>> 30)) * 0xBF58476D1CE4E5B9L;
                dst.putLong(z ^ (z >>> 27));
            }
            while (dst.hasRemaining()) {
                dst.put((byte) 1);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        Path dir = Path.of(args.length > 1 ? args[1] : System.getProperty("java.io.tmpdir"));
        Path ffu = dir.resolve("lumia-agent-bench-" + mib + "m.ffu");
        long t0 = System.nanoTime();
        try (FileChannel out = FileChannel.open(ffu, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            new FfuBuilder().platformId("Nokia.MSM8227.P6036.1.2").build(new FullDisk(mib << 20), out);
        }
        long size = Files.size(ffu);
        System.out.printf("built %s: %d bytes in %.1f s%n", ffu, size, (System.nanoTime() - t0) / 1e9);
        System.out.printf("java %s, %d cores%n", System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        double bestVerify = Double.MAX_VALUE;
        double bestSha = Double.MAX_VALUE;
        double bestSsl = Double.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            double v = timeVerify(ffu);
            double s = time(ffu, "sha256sum");
            double o = time(ffu, "openssl", "dgst", "-sha256");
            bestSsl = Math.min(bestSsl, o);
            System.out.printf("round %d: verify %.3f s (%.0f MiB/s), sha256sum %.3f s (%.0f MiB/s)%n", round + 1, v, size / v / (1 << 20), s,
                    size / s / (1 << 20));
            bestVerify = Math.min(bestVerify, v);
            bestSha = Math.min(bestSha, s);
        }
        System.out.printf("best: verify %.3f s = %.0f MiB/s; sha256sum %.3f s = %.0f MiB/s; verify/sha256sum time ratio %.2f%n", bestVerify,
                size / bestVerify / (1 << 20), bestSha, size / bestSha / (1 << 20), bestVerify / bestSha);
        if (bestSsl < Double.MAX_VALUE / 2) {
            System.out.printf("reference: openssl dgst -sha256 %.3f s = %.0f MiB/s%n", bestSsl, size / bestSsl / (1 << 20));
        }
        Files.deleteIfExists(ffu);
    }

    static double timeVerify(Path ffu) throws IOException {
        long t = System.nanoTime();
        try (FfuFile f = FfuFile.open(ffu)) {
            FfuVerification v = f.verify(FfuProgress.NONE);
            if (!v.valid()) {
                throw new IllegalStateException("bench image does not verify: " + v);
            }
        }
        return (System.nanoTime() - t) / 1e9;
    }

    /** Wall time of a hashing tool on the file; {@code Double.MAX_VALUE} when the tool is not installed. */
    static double time(Path ffu, String... tool) throws Exception {
        String[] cmd = java.util.Arrays.copyOf(tool, tool.length + 1);
        cmd[tool.length] = ffu.toString();
        long t = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException notInstalled) {
            if (tool[0].equals("sha256sum")) {
                throw notInstalled;
            }
            return Double.MAX_VALUE;
        }
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(tool[0] + " did not finish in 10 minutes");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(tool[0] + " failed: " + p.exitValue());
        }
        return (System.nanoTime() - t) / 1e9;
    }
}
