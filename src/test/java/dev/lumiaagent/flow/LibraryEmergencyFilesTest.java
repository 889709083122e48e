package dev.lumiaagent.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.firmware.FirmwareLibrary;
import dev.lumiaagent.flow.gate.Consent;
import dev.lumiaagent.image.ede.EdeBuilder;
import dev.lumiaagent.image.ffu.DemoDisk;
import dev.lumiaagent.image.ffu.FfuBuilder;
import dev.lumiaagent.sim.SimModel;
import dev.lumiaagent.sim.SimModels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Choosing a 9008 phone's emergency files from the library by its root-key hash, without a phone. */
class LibraryEmergencyFilesTest {
    private static final SimModel L640 = SimModels.standard().require("RM-1073");

    @TempDir
    Path lib;

    private void ffu(String type, String platformId) throws Exception {
        Path d = Files.createDirectories(lib.resolve(type));
        try (FileChannel ch = FileChannel.open(d.resolve(type + ".ffu"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            new FfuBuilder().platformId(platformId).build(new DemoDisk(2L << 20), ch);
        }
    }

    private void programmer(String dirName, String platformId) throws Exception {
        Files.write(Files.createDirectories(lib.resolve(dirName)).resolve(dirName + ".ede"), EdeBuilder.forPlatform(platformId).build());
    }

    private EmergencyFlow.Result choose(String platformId) throws Exception {
        return new LibraryEmergencyFiles(FirmwareLibrary.scan(lib)).choose(EdeBuilder.simulatedRootKeyHash(platformId), null);
    }

    @Test
    void theAliasedEmergencyKeyFindsTheFfuOfTheProductTypeFiledUnderIt() throws Exception {
        programmer("RM-1113", L640.platformId());
        ffu("RM-1073", L640.platformId());
        EmergencyFlow.Result r = choose(L640.platformId());
        assertThat(r.choice()).isPresent();
        assertThat(r.choice().get().programmer()).isEqualTo(lib.resolve("RM-1113").resolve("RM-1113.ede"));
        assertThat(r.choice().get().ffu()).isEqualTo(lib.resolve("RM-1073").resolve("RM-1073.ffu"));
        assertThat(r.choice().get().why()).contains("RM-1113", "RM-1073");
    }

    @Test
    void twoAliasedProductTypesWithDifferentFfusAreNotGuessed() throws Exception {
        programmer("RM-1113", L640.platformId());
        ffu("RM-1073", L640.platformId());
        ffu("RM-1072", L640.platformId() + "X"); // a different file, as the two 640 variants' FFUs are
        EmergencyFlow.Result r = choose(L640.platformId());
        assertThat(r.choice()).isEmpty();
        assertThat(r.whyNot()).contains("ambiguous", "RM-1072", "RM-1073");
        assertThat(r.nextStep()).contains("--product-type");
    }

    @Test
    void aFittingProgrammerWithoutAnFfuAndAnUnreadableProgrammerAreSaid() throws Exception {
        programmer("RM-1104", SimModels.standard().require("RM-1104").platformId());
        Files.write(lib.resolve("RM-1104").resolve("broken.ede"), new byte[] {1, 2, 3});
        EmergencyFlow.Result r = choose(SimModels.standard().require("RM-1104").platformId());
        assertThat(r.choice()).isEmpty();
        assertThat(r.whyNot()).contains("no FFU for RM-1104", "could not be read", "broken.ede");
        assertThat(r.nextStep()).contains("FFU");
    }

    @Test
    void withASourceTheProgrammerIsReadAfterTheChip() {
        EmergencyFlow flow = new EmergencyFlow(null, (hash, hwId) -> EmergencyFlow.Result.none("none", "none"), Consent.none(),
                EmergencyFlow.Bounds.standard());
        assertThat(flow.plan()).startsWith(EmergencyFlow.DETECT, EmergencyFlow.READ_CHIP, EmergencyFlow.READ_PROGRAMMER,
                EmergencyFlow.CHECK_PROGRAMMER, EmergencyFlow.PRE_FLIGHT, EmergencyFlow.UPLOAD);
    }
}
