package dev.lumiaagent.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.device.DeviceInfo;
import dev.lumiaagent.flow.Reason;
import dev.lumiaagent.flow.gate.Consent;
import dev.lumiaagent.sim.LinkKind;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimPhone;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.discovery.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rawprogram job whose set names a file outside its images directory (a job file edited, or resumed
 * from an older agent) fails by name before its flow exists, not as a skip.
 */
class JobPlansRawProgramTest {
    @Test
    void aSetReachingOutOfItsImagesDirectoryIsRawprogramInvalid(@TempDir Path dir) throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        Path programmer = Files.write(dir.resolve("p.ede"), new byte[] {1});
        Path raw = Files.writeString(dir.resolve("rawprogram0.xml"), "<data><program SECTOR_SIZE_IN_BYTES=\"512\" filename=\"../p.ede\""
                + " label=\"x\" num_partition_sectors=\"1\" physical_partition_number=\"0\" start_sector=\"0\"/></data>");
        try (SimBus bus = new SimBus(AgentClock.scaled(200))) {
            SimPhone phone = new SimPhone(SimModels.standard().require("RM-1073"), "356938035643809", "", Mode.EDL_PBL, 50,
                    LinkKind.PACKET, EnumSet.noneOf(dev.lumiaagent.sim.SimFault.class));
            bus.attach(PortPath.parse("1-2"), phone);
            JobSpec spec = new JobSpec.Emergency(new JobSpec.RawProgram(programmer, List.of(raw), List.of(), images), "test");
            assertThatThrownBy(() -> JobPlans.prepare(spec, new JobPlans.Means(Consent.given("test"), Optional.empty(), n -> { }),
                    Optional.of(bus.devices().get(0)), DeviceInfo.builder().build()))
                    .isInstanceOfSatisfying(JobPlans.NotReady.class, e -> {
                        assertThat(e.outcome().reason()).isEqualTo(Reason.RAWPROGRAM_INVALID);
                        assertThat(e.outcome().summary()).contains("../p.ede").contains("Nothing was written");
                    });
            assertThat(phone.disk().storedBlocks()).isZero();
        }
    }
}
