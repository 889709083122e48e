package dev.lumiaagent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.protocol.flashapp.NokCodec;
import dev.lumiaagent.protocol.flashapp.NokvReply;
import dev.lumiaagent.testing.Trace;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The simulated phones' NOKV replies against real phones'. */
class SimNokvCaptureTest {
    /**
     * The simulated RM-914's NOKV replies are byte for byte the real Lumia 520's: FlashApp
     * (traces/nok/101, https://github.com/fredericGette/wpi/blob/master/README.md) and BootMgr
     * (traces/nok/103, https://github.com/samcday/lp-externals/blob/main/PROTOCOL.md).
     */
    @Test
    void theSimulated520AnswersNokvWithTheRealBytes() {
        SimModel m = SimModels.standard().require("RM-914");
        assertThat(NokCodec.encode(SimUefiFirmware.info(SimUefiApp.FLASH_APP, m))).isEqualTo(reply("nok/101"));
        assertThat(NokCodec.encode(SimUefiFirmware.info(SimUefiApp.BOOT_MANAGER, m))).isEqualTo(reply("nok/103"));
    }

    /**
     * Spec B phones report the versions WPinternals printed ("Flash app: X", "Flash protocol: Y"; NOKV bytes
     * 6..7 protocol, 8..9 app): 735 2.37/2.60 (traces/nok/106, https://github.com/ReneLergner/WPinternals/issues/49),
     * 640 LTE the same (traces/nok/110, …/issues/27), 950 XL 2.41/2.75 with BootMgr 2.6/2.48 (traces/nok/112,
     * …/issues/23; nok/113, …/issues/19). Before, every Spec B model said 2.0/1.40.
     */
    @ParameterizedTest
    @CsvSource({"nok/106, RM-1038", "nok/110, RM-1073", "nok/112, RM-1085", "nok/113, RM-1085"})
    void specBVersionsAreTheCapturedOnes(String capture, String productType) {
        Trace t = Trace.load(capture);
        SimModel m = SimModels.standard().require(productType);
        NokvReply flash = SimUefiFirmware.info(SimUefiApp.FLASH_APP, m);
        assertThat(flash.protocolMajor() + "." + flash.protocolMinor()).isEqualTo(logged(t, "Flash protocol").orElseThrow());
        assertThat(flash.appMajor() + "." + flash.appMinor()).isEqualTo(logged(t, "Flash app").orElseThrow());
        Optional<String> boot = logged(t, "Bootmanager");
        if (boot.isPresent()) {
            NokvReply bm = SimUefiFirmware.info(SimUefiApp.BOOT_MANAGER, m);
            assertThat(bm.appMajor() + "." + bm.appMinor()).isEqualTo(boot.get());
            assertThat(bm.protocolMajor() + "." + bm.protocolMinor()).isEqualTo(logged(t, "Bootmanager protocol").orElseThrow());
            assertThat(bm.flashAppVersion()).hasValueSatisfying(v -> assertThat(v.appMajor() + "." + v.appMinor())
                    .isEqualTo(logged(t, "Flash app").orElseThrow()));
        }
    }

    /** The 930 in WPinternals issue 69: FlashApp 2.59 / protocol 2.34, platform Nokia.MSM8974.P6180.2.2, flags 0x7BFF. */
    @Test
    void the930IsTheCapturedOne() {
        // traces/nok/109 header and traces/nok/108, https://github.com/ReneLergner/WPinternals/issues/69
        assertThat(Trace.load("nok/109").header().get("device")).contains("FlashApp 2.59 / protocol 2.34");
        SimModel m = SimModels.standard().require("RM-1045");
        NokvReply flash = SimUefiFirmware.info(SimUefiApp.FLASH_APP, m);
        assertThat(flash.protocolMajor() + "." + flash.protocolMinor() + "/" + flash.appMajor() + "." + flash.appMinor())
                .isEqualTo("2.34/2.59");
        assertThat(flash.platformId()).contains(logged(Trace.load("nok/108"), "Platform Name").orElseThrow());
        assertThat(m.securityFlags()).isEqualTo(Long.decode(logged(Trace.load("nok/108"), "Security flags").orElseThrow()));
    }

    private static byte[] reply(String capture) {
        return Trace.load(capture).transfers().get(1).bytes();
    }

    private static Optional<String> logged(Trace trace, String key) {
        String marker = ": " + key + ": ";
        return trace.logLines().stream().filter(l -> l.contains(marker))
                .map(l -> l.substring(l.indexOf(marker) + marker.length()).trim()).findFirst();
    }
}
