package dev.lumiaagent.bench;

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
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: {@code ffu verify} (every chunk's SHA-256 against the hash table, plus the whole file's SHA-256
 * in the same pass) against its reference in the same run, one plain SHA-256 over the same file read
 * the same way (1 MiB reads into a reused buffer). The ratio of the two scores is the figure
 * docs/performance.md gives; absolute numbers depend on the machine.
 * {@code mvn -B -P bench test-compile exec:exec -Dbench.main=org.openjdk.jmh.Main -Dbench.args="FfuVerifyJmh"}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class FfuVerifyJmh {
    @Param("256")
    public int sizeMiB;

    private Path ffu;

    @Setup(Level.Trial)
    public void build() throws IOException {
        ffu = Files.createTempFile("lumia-agent-jmh", ".ffu");
        try (FileChannel out = FileChannel.open(ffu, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            new FfuBuilder().platformId("Nokia.MSM8227.P6036.1.2").build(new ImageVerifyBench.FullDisk((long) sizeMiB << 20), out);
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        Files.deleteIfExists(ffu);
    }

    @Benchmark
    public boolean ffuVerify() throws IOException {
        try (FfuFile f = FfuFile.open(ffu)) {
            FfuVerification v = f.verify(FfuProgress.NONE);
            if (!v.valid()) {
                throw new IllegalStateException("bench image does not verify: " + v);
            }
            return v.valid();
        }
    }

    /** The reference: one SHA-256 over the same file, read the same way. */
    @Benchmark
    public byte[] plainSha256() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        try (FileChannel in = FileChannel.open(ffu, StandardOpenOption.READ)) {
            while (in.read(buf.clear()) > 0) {
                sha.update(buf.flip());
            }
        }
        return sha.digest();
    }
}
