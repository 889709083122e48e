package dev.lumiaagent.bench;

import dev.lumiaagent.job.JobSpec;
import dev.lumiaagent.job.JobPlans;
import dev.lumiaagent.job.FirmwareFiles;
import dev.lumiaagent.job.JobContext;
import dev.lumiaagent.job.JobSettings;
import dev.lumiaagent.job.JobListener;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.firmware.FirmwareLibrary;
import dev.lumiaagent.firmware.ProductType;
import dev.lumiaagent.flow.EmergencyFlow;
import dev.lumiaagent.flow.gate.Consent;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.image.ede.EdeBuilder;
import dev.lumiaagent.image.ffu.DemoDisk;
import dev.lumiaagent.image.ffu.FfuBuilder;
import dev.lumiaagent.image.ffu.FfuFile;
import dev.lumiaagent.image.ffu.SparseDisk;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStores;
import dev.lumiaagent.sim.BenchSpec;
import dev.lumiaagent.sim.LinkKind;
import dev.lumiaagent.sim.SimBench;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimFault;
import dev.lumiaagent.sim.SimModel;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimPhone;
import dev.lumiaagent.sim.SimUefiApp;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.discovery.Mode;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code batch emergency} on a tray of mixed bricked phones: each phone's programmer and FFU chosen from
 * the firmware library by its root-key hash, over the real Sahara and Firehose sessions against the
 * simulated 9008 phones.
 */
class BenchEmergencyFromLibraryTest {
    private static final SimModels MODELS = SimModels.standard();

    @TempDir
    Path library;
    @TempDir
    Path jobs;

    private SimBus bus;
    private RecordStore store;

    @BeforeEach
    void openStore() {
        store = RecordStores.open("jdbc:sqlite:" + jobs.resolve("records.db"));
    }

    @AfterEach
    void close() {
        store.close();
        if (bus != null) {
            bus.close();
        }
    }

    /** The layout `simulate firmware` writes: RM-xxxx/RM-xxxx.ffu, and the programmer under the emergency key (RM-1113 for the 640). */
    private void libraryFor(String... productTypes) throws Exception {
        for (String type : productTypes) {
            SimModel m = MODELS.require(type);
            Path modelDir = Files.createDirectories(library.resolve(ProductType.normalise(m.productType())));
            try (FileChannel ch = FileChannel.open(modelDir.resolve(m.productType() + "_demo.ffu"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE)) {
                new FfuBuilder().platformId(m.platformId()).osVersion(m.osVersion()).build(new DemoDisk(4L << 20), ch);
            }
            Path emergencyDir = Files.createDirectories(library.resolve(ProductType.emergencyKey(m.productType())));
            Files.write(emergencyDir.resolve(m.productType() + "_sim.ede"), EdeBuilder.forPlatform(m.platformId()).build());
        }
    }

    private Path ffuOf(String type) {
        return library.resolve(type).resolve(type + "_demo.ffu");
    }

    private void start(String... productTypes) {
        List<BenchSpec.PhoneSpec> phones = new ArrayList<>();
        for (int i = 0; i < productTypes.length; i++) {
            phones.add(new BenchSpec.PhoneSpec(PortPath.of(1, i + 1), MODELS.require(productTypes[i]), Mode.EDL_PBL, SimUefiApp.FLASH_APP,
                    80, String.format("35693803564380%d", i), "", i % 2 == 0 ? LinkKind.PACKET : LinkKind.STREAM,
                    EnumSet.noneOf(SimFault.class)));
        }
        bus = SimBench.start(new BenchSpec(200, phones), AgentClock.scaled(200));
    }

    private Map<String, JobRecord> batch() throws Exception {
        JobSpec job = new JobSpec.Emergency(new JobSpec.FromLibrary(library), "--yes");
        JobContext ctx = new JobContext(bus, bus.clock(), new JobSettings(4, 0, Duration.ofSeconds(30), "bench-test",
                "tester"), new JobJournal(jobs), store, "run-1", new JobListener() { }, JobContext.PerJob.NONE, new JobPlans.Means(Consent.given("test"), Optional.of(new FirmwareFiles(s -> { })), s -> { }));
        Tally tally = new Bench(ctx).batch(job, Optional.empty());
        return tally.jobs().stream().collect(Collectors.toMap(r -> r.port, Function.identity()));
    }

    private SimPhone phone(int port) {
        return bus.phoneAt(PortPath.of(1, port)).orElseThrow();
    }

    private static SparseDisk rebuilt(Path ffu, SimPhone p) throws Exception {
        SparseDisk disk = new SparseDisk(p.disk().sizeBytes());
        try (FfuFile f = FfuFile.open(ffu)) {
            f.reconstruct(disk.blockCount(), disk, true, (a, b) -> { });
        }
        return disk;
    }

    @Test
    void aTrayOfDifferentModelsIn9008GetsEachItsOwnFfu() throws Exception {
        String[] types = {"RM-1073", "RM-1104", "RM-914", "RM-1045"}; // the 640's programmer is filed under RM-1113
        libraryFor(types);
        start(types);
        Map<String, JobRecord> byPort = batch();

        assertThat(byPort).hasSize(types.length);
        for (int i = 0; i < types.length; i++) {
            JobRecord r = byPort.get("1-" + (i + 1));
            assertThat(r.outcome).as(r.port + ": " + r.summary + " / " + r.nextStep).isEqualTo("DONE");
            assertThat(r.summary).contains(types[i] + "_demo.ffu");
            SimPhone p = phone(i + 1);
            assertThat(p.disk().sameContentAs(rebuilt(ffuOf(types[i]), p))).as(types[i] + ": the eMMC holds its own FFU's image").isTrue();
            assertThat(p.violations()).isEmpty();
            assertThat(r.steps).extracting(JobRecord.StepRecord::name).containsSubsequence(EmergencyFlow.READ_CHIP,
                    EmergencyFlow.READ_PROGRAMMER, EmergencyFlow.CHECK_PROGRAMMER, EmergencyFlow.WRITE_IMAGE);
        }
    }

    @Test
    void aPhoneWhoseModelHasNoProgrammerInTheLibraryFailsNamedAndIsNotTouched() throws Exception {
        libraryFor("RM-1104", "RM-1062");
        Files.delete(library.resolve("RM-1062").resolve("RM-1062_sim.ede")); // its FFU is there, its programmer is not
        start("RM-1104", "RM-1062");
        Map<String, JobRecord> byPort = batch();

        assertThat(byPort.get("1-1").outcome).isEqualTo("DONE");
        JobRecord failed = byPort.get("1-2");
        assertThat(failed.outcome).isEqualTo("PROGRAMMER_MISMATCH");
        assertThat(failed.summary).contains("no programmer").contains("Nothing was written");
        assertThat(failed.nextStep).contains("firmware library").contains("root-key hash")
                .contains(dev.lumiaagent.protocol.wire.Bytes.hex(EdeBuilder.simulatedRootKeyHash(MODELS.require("RM-1062").platformId())));
        assertThat(failed.steps).extracting(JobRecord.StepRecord::name).doesNotContain(EmergencyFlow.UPLOAD, EmergencyFlow.WRITE_IMAGE);
        assertThat(phone(2).disk().storedBlocks()).isZero();
        assertThat(phone(2).mode()).isEqualTo(Mode.EDL_PBL);
    }

    @Test
    void twoProductTypesWithDifferentFfusSharingTheRootKeyAreNotGuessed() throws Exception {
        libraryFor("RM-1104", "RM-1085");
        // The 950's programmer also filed under the 950 XL (one OEM key signing both): its root key now names two product types.
        Files.copy(library.resolve("RM-1104").resolve("RM-1104_sim.ede"), library.resolve("RM-1085").resolve("RM-1104-copy.ede"));
        start("RM-1104", "RM-1085");
        Map<String, JobRecord> byPort = batch();

        JobRecord ambiguous = byPort.get("1-1");
        assertThat(ambiguous.outcome).isEqualTo("PROGRAMMER_MISMATCH");
        assertThat(ambiguous.summary).contains("ambiguous").contains("RM-1085").contains("RM-1104");
        assertThat(ambiguous.nextStep).contains("--product-type");
        assertThat(phone(1).disk().storedBlocks()).isZero();
        // The 950 XL's own root key still names only the 950 XL.
        assertThat(byPort.get("1-2").outcome).as(byPort.get("1-2").summary).isEqualTo("DONE");
        assertThat(phone(2).disk().sameContentAs(rebuilt(ffuOf("RM-1085"), phone(2)))).isTrue();
    }
}
