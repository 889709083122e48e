package dev.lumiaagent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exec against real processes: small {@code #!/bin/sh} fake programs in a temporary directory put first on
 * {@code PATH} (the way the uhubctl tests use it), so every case runs a real fork/exec, real pipes and a real kill.
 */
class ExecTest {
    @TempDir
    Path bin;
    private Exec exec;

    @BeforeEach
    void path() {
        exec = Exec.withEnvironment(Map.of("PATH", bin + ":/usr/bin:/bin"));
    }

    private void fake(String name, String body) throws IOException {
        Path p = bin.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void aProgramThatExitsZeroIsOkWithItsOutput() throws Exception {
        fake("hello", "echo \"hello $1\"");
        Exec.Result r = exec.run("hello", List.of("bench"), Duration.ofSeconds(10));
        assertThat(r.outcome()).isEqualTo(Exec.Outcome.OK);
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("hello bench\n");
        assertThat(r.describe()).isEqualTo("hello bench: ok");
    }

    @Test
    void aNonZeroExitIsFailedWithItsCodeAndStderr() throws Exception {
        // the shape of uhubctl's "no hub" answer (notes-18 §1.5, uhubctl.c @v2.5.0 1132-1167)
        fake("failing", "echo 'No compatible devices detected at location 1-2!' >&2\necho 'Run with -h to get usage info.' >&2\nexit 1");
        Exec.Result r = exec.run("failing", List.of("-l", "1-2"), Duration.ofSeconds(10));
        assertThat(r.outcome()).isEqualTo(Exec.Outcome.FAILED);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).isEqualTo("No compatible devices detected at location 1-2!\nRun with -h to get usage info.\n");
        assertThat(r.describe()).isEqualTo("failing -l 1-2: exit 1 (No compatible devices detected at location 1-2!)");
    }

    @Test
    void argumentsArriveAsSingleLiteralArgumentsWithNoShell() throws Exception {
        Path args = bin.resolve("args.txt");
        fake("record", "for a in \"$@\"; do printf '%s\\n' \"$a\" >> '" + args + "'; done");
        List<String> given = List.of("a b", "\"quoted\"", "it's", "x; rm -rf /", "$HOME", "`id`", "");
        Exec.Result r = exec.run("record", given, Duration.ofSeconds(10));
        assertThat(r.outcome()).isEqualTo(Exec.Outcome.OK);
        assertThat(Files.readAllLines(args)).containsExactlyElementsOf(given);
    }

    /** The subject: the timeout. The fake runs {@code sleep} as a child, which keeps the output pipes open after the shell is killed. */
    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aProgramPastItsTimeoutIsStoppedAndNamedTimedOut() throws Exception {
        fake("hangs", "echo started\nsleep 60\necho never");
        Exec.Result r = exec.run("hangs", List.of(), Duration.ofMillis(300));
        assertThat(r.outcome()).isEqualTo(Exec.Outcome.TIMED_OUT);
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.stdout()).doesNotContain("never");
        assertThat(r.describe()).startsWith("hangs: still running after").endsWith("stopped");
    }

    @Test
    void aMissingProgramIsMissingAndNamed() {
        Exec.Result r = exec.run("no-such-tool-here", List.of("-v"), Duration.ofSeconds(10));
        assertThat(r.outcome()).isEqualTo(Exec.Outcome.MISSING);
        assertThat(r.describe()).isEqualTo("no-such-tool-here is not installed (not found on PATH)");
        assertThat(exec.which("no-such-tool-here")).isEmpty();
    }

    @Test
    void stderrIsCapturedApartFromStdout() throws Exception {
        fake("both", "echo out\necho err >&2");
        Exec.Result r = exec.run("both", List.of(), Duration.ofSeconds(10));
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).isEqualTo("err\n");
    }

    @Test
    void aFileThatCannotRunIsNotStarted() throws Exception {
        Path p = bin.resolve("broken");
        Files.writeString(p, "#!/no/such/interpreter\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        Exec.Result r = exec.run("broken", List.of(), Duration.ofSeconds(10));
        assertThat(r.outcome()).isEqualTo(Exec.Outcome.NOT_STARTED);
    }
}
