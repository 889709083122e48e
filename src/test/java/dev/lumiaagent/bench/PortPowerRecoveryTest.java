package dev.lumiaagent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.exec.Exec;
import dev.lumiaagent.flow.gate.Consent;
import dev.lumiaagent.host.Uhubctl;
import dev.lumiaagent.host.UhubctlPortPower;
import dev.lumiaagent.image.ffu.DemoDisk;
import dev.lumiaagent.image.ffu.FfuBuilder;
import dev.lumiaagent.job.FirmwareFiles;
import dev.lumiaagent.job.JobContext;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.job.JobListener;
import dev.lumiaagent.job.JobPlans;
import dev.lumiaagent.job.JobSettings;
import dev.lumiaagent.job.JobSpec;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStores;
import dev.lumiaagent.sim.LinkKind;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimFault;
import dev.lumiaagent.sim.SimModel;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimPhone;
import dev.lumiaagent.sim.SimUefiApp;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.ForwardingBus;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.PortPower;
import dev.lumiaagent.transport.discovery.Mode;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench's recovery step at the job layer (issue 18), on a simulated phone: where uhubctl is not installed (a real
 * Uhubctl, run through Exec with a PATH that has none) the job's next step names the manual unplug and why; a phone
 * that is on its port but stopped answering (stall) is cycled once, and a hung one still fails (it runs on its battery).
 */
class PortPowerRecoveryTest {
    @TempDir
    static Path library;
    @TempDir
    Path jobs;

    private SimBus sim;
    private RecordStore store;
    private final PortPath port = PortPath.of(1, 2, 3);
    private final List<String> notes = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void firmware() throws Exception {
        SimModel m = SimModels.standard().require("RM-1104");
        try (FileChannel ch = FileChannel.open(library.resolve("RM-1104.ffu"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            new FfuBuilder().platformId(m.platformId()).osVersion("10.0.15254.603").build(new DemoDisk(4L << 20), ch);
        }
    }

    @BeforeEach
    void open() {
        store = RecordStores.open("jdbc:sqlite:" + jobs.resolve("records.db"));
        sim = new SimBus(AgentClock.scaled(200));
    }

    @AfterEach
    void close() {
        store.close();
        sim.close();
    }

    private void attach(SimFault fault) {
        SimPhone phone = new SimPhone(SimModels.standard().require("RM-1104"), "356938035643809", "USB4", Mode.NORMAL, 80,
                LinkKind.PACKET, EnumSet.of(fault));
        phone.uefiApp(SimUefiApp.BOOT_MANAGER);
        sim.attach(port, phone);
    }

    private JobRecord run(Bus bus, JobSpec spec) throws InterruptedException {
        JobListener listener = new JobListener() {
            @Override
            public void note(String line) {
                notes.add(line);
            }
        };
        JobContext ctx = new JobContext(bus, sim.clock(), new JobSettings(1, 1, Duration.ofSeconds(300), "bench-test", "tester"),
                new JobJournal(jobs), store, "run-1", listener, JobContext.PerJob.NONE,
                new JobPlans.Means(Consent.given("test"), Optional.of(new FirmwareFiles(s -> { })), s -> { }));
        return new Bench(ctx).batch(spec, Optional.empty()).jobs().get(0);
    }

    /** The simulated bench with the host's port power: uhubctl, here not installed. */
    private static final class UhubctlOverSim extends ForwardingBus {
        private final PortPower power;

        UhubctlOverSim(Bus inner, Exec exec) {
            super(inner);
            this.power = new UhubctlPortPower(new Uhubctl(exec));
        }

        @Override
        public PortPower portPower() {
            return power;
        }
    }

    @Test
    void withoutUhubctlTheNextStepIsTheManualUnplugAndSaysWhy() throws Exception {
        attach(SimFault.GONE_UNTIL_POWER_CYCLE);
        Bus bus = new UhubctlOverSim(sim, Exec.withEnvironment(Map.of("PATH", jobs.toString())));
        JobRecord r = run(bus, new JobSpec.Reflash(new JobSpec.Library(library), "--yes"));
        assertThat(r.outcome).isEqualTo("PHONE_DID_NOT_RETURN");
        assertThat(r.nextStep).startsWith("Unplug the phone from 1-2.3 and plug it in again, then run the job for it again")
                .contains("uhubctl is not installed (sudo apt install uhubctl)");
        assertThat(notes).anyMatch(n -> n.startsWith("port-power-cycle 1-2.3: not possible: uhubctl is not installed"));
        assertThat(store.audit().entries()).anyMatch(e -> e.event().equals("port-power-cycle") && e.detail().contains("not installed"));
    }

    /**
     * A phone on its port that stopped answering gets one cycle; a hung Lumia runs on its battery, so the cycle does not
     * un-hang it (only the key reset does): the job fails after the one cycle, and says so.
     */
    @Test
    void aPhoneOnItsPortThatStoppedAnsweringIsCycledOnceAndAHungOneStillFails() throws Exception {
        attach(SimFault.STALL);
        JobRecord r = run(sim, new JobSpec.Info());
        assertThat(r.outcome).as(r.summary).isEqualTo("PHONE_NOT_ANSWERING");
        assertThat(notes).anyMatch(n -> n.startsWith("port-power-cycle 1-2.3: the phone is on 1-2.3 but does not answer"));
        List<String> cycles = new ArrayList<>();
        store.audit().entries().stream().filter(e -> e.event().equals("port-power-cycle")).forEach(e -> cycles.add(e.detail()));
        assertThat(cycles).as("one cycle per job").hasSize(1);
        assertThat(cycles.get(0)).startsWith("CYCLED: port 1-2.3");
        assertThat(r.attempts).isEqualTo(2);
        // the cycle was the unplug the flow's next step would ask for: the job says what is left, the key reset
        assertThat(r.summary).endsWith("Its port's power was cycled (as unplugging it would) and it still does not answer: the phone itself is hung.");
        assertThat(r.nextStep).startsWith("Hold Volume-Down + Power for about 10 s").doesNotContain("Unplug");
    }
}
