package dev.lumiaagent.device;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.image.ffu.FfuFile;
import dev.lumiaagent.protocol.flashapp.NokAck;
import dev.lumiaagent.protocol.flashapp.NokApp;
import dev.lumiaagent.protocol.flashapp.NokResult;
import dev.lumiaagent.sim.LinkKind;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimFault;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimPhone;
import dev.lumiaagent.sim.SimUefiApp;
import dev.lumiaagent.testing.TestPhones;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.discovery.Mode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The FFU writer talks on the phone's own NOK session, one session per link: what the phone's session
 * still expects (here the answer to a write-only command) is not read by a second session as the
 * answer to the FFU header.
 */
class UefiPhoneFfuWriterTest {
    private static final String MODEL = "RM-1104";
    private final SimBus bus = new SimBus(AgentClock.scaled(1000));

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        bus.close();
    }

    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void theWriterSharesThePhonesSession_AnAnswerOwedToAnEarlierCommandIsNotTakenForTheHeaders(LinkKind link) throws Exception {
        Path ffu = TestPhones.libraryFfu(dir, MODEL, 4L << 20);
        SimPhone p = new SimPhone(SimModels.standard().require(MODEL), "356938035643809", "U", Mode.UEFI, 80, link,
                EnumSet.noneOf(SimFault.class));
        p.uefiApp(SimUefiApp.FLASH_APP);
        bus.attach(PortPath.parse("1-1"), p);
        try (UefiPhone phone = Phones.openUefi(bus, bus.devices().get(0)); FfuFile f = FfuFile.open(ffu)) {
            assertThat(phone.app()).isEqualTo(NokApp.FLASH_APP);
            p.inject(SimFault.NAK_NEXT);
            phone.reboot(); // write-only NOKR: the phone answers NOKU and stays in the flash app

            NokResult<NokAck> header = phone.ffuWriter(Duration.ofSeconds(60)).header(f.combinedHeader());

            assertThat(header.isOk()).as("%s", header).isTrue();
        }
        assertThat(p.violations()).isEmpty();
    }
}
