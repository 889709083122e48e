package dev.lumiaagent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.testing.Trace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The simulator's standard timings are the captured ones, recomputed here from the log timestamps of the
 * captures (WPinternals logs): nok/107 (735, https://github.com/ReneLergner/WPinternals/issues/49),
 * nok/108 and nok/109 (930, …/issues/69), nok/110 (640 LTE, …/issues/27), nok/112 (950 XL, …/issues/23).
 */
class SimTimingsCaptureTest {
    private static final SimTimings T = SimTimings.standard();

    /** SetDeviceMode ("Rebooting phone to Flash mode") → "disconnected" → FlashApp "Found device". */
    @ParameterizedTest
    @CsvSource({"nok/107, RM-1038", "nok/108, RM-1045", "nok/110, RM-1073"})
    void normalToFlashFollowsTheCapture(String capture, String productType) {
        List<String> log = Trace.load(capture).logLines();
        LocalTime request = at(log, "Rebooting phone to Flash mode");
        LocalTime drop = at(log, "disconnected");
        LocalTime arrival = at(log, "Found device on interface: 9e3bd5f7");
        SimModel m = SimModels.standard().require(productType);
        assertThat(T.dropFromOs(m)).isCloseTo(Duration.between(request, drop), Duration.ofMillis(10));
        assertThat(T.uefiArrivalFromOs(m)).isCloseTo(Duration.between(drop, arrival), Duration.ofMillis(10));
    }

    /** NOKR → drop → BootMgr → (no NOKD) BootMgr leaves → the OS's NCSd interface (nok/109). */
    @Test
    void bootManagerWatchdogAndOsBootFollowThe930() {
        String text = readString(Trace.load("nok/109").file());
        assertThat(text).contains("BootMgr gone 8.985 s later").contains("BootMgr gone -> NCSd interface 34.27 s");
        assertThat(T.bootManagerWatchdog()).isEqualTo(Duration.ofMillis(8985));
        assertThat(T.osBoot()).isEqualTo(Duration.ofMillis(34270));
    }

    /** NOKR → drop 33 ms → BootMgr 6.175 s (nok/112); first JSON reply 144 ms after arrival on the 735 (ncsd/001). */
    @Test
    void uefiRestartAndFirstJsonReply() {
        List<String> log = Trace.load("nok/112").logLines();
        LocalTime nokr = at(log, "Rebooting phone");
        LocalTime drop = at(log, "disconnected");
        LocalTime arrival = at(log, "Found device on interface");
        assertThat(T.dropFromUefi()).isEqualTo(Duration.between(nokr, drop));
        assertThat(T.uefiArrival()).isCloseTo(Duration.between(drop, arrival), Duration.ofMillis(10));
        List<String> normal = Trace.load("ncsd/001").logLines();
        Duration first = Duration.between(at(normal, "Found device on interface"), at(normal, "Operator:"));
        assertThat(T.firstJsonReply(SimModels.standard().require("RM-1038"))).isEqualTo(first);
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file.isAbsolute() || Files.exists(file) ? file : Trace.ROOT.resolve(file));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static LocalTime at(List<String> log, String marker) {
        String line = log.stream().filter(l -> l.contains(marker)).findFirst().orElseThrow(() -> new AssertionError(marker));
        // "2023-04-09 17:14:51.228: …" or "06.05.2024 00:40:39.94: …" (milliseconds not zero-padded: .094, nok/108)
        String time = line.trim().split(" ")[1];
        time = time.substring(0, time.length() - 1);
        String[] hms = time.split("\\.");
        String ms = hms[1].length() == 3 ? hms[1] : String.format("%03d", Integer.parseInt(hms[1]));
        return LocalTime.parse(hms[0] + "." + ms, DateTimeFormatter.ofPattern("HH:mm:ss.SSS"));
    }
}
