package dev.lumiaagent.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.firmware.ProductType;
import dev.lumiaagent.flow.gate.Consent;
import dev.lumiaagent.image.ede.EdeBuilder;
import dev.lumiaagent.image.ffu.DemoDisk;
import dev.lumiaagent.image.ffu.FfuBuilder;
import dev.lumiaagent.image.ffu.FfuFile;
import dev.lumiaagent.image.ffu.SparseDisk;
import dev.lumiaagent.job.Job;
import dev.lumiaagent.job.JobContext;
import dev.lumiaagent.job.JobIdentity;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.job.JobListener;
import dev.lumiaagent.job.JobPlans;
import dev.lumiaagent.job.JobRunner;
import dev.lumiaagent.job.JobSettings;
import dev.lumiaagent.job.JobSpec;
import dev.lumiaagent.job.JobState;
import dev.lumiaagent.job.RunState;
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
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault matrix (issue "Step 4 of 7"): every flow, run through the one {@link JobRunner} with a real job
 * journal and a real SQLite store on a simulated phone, with each fault injected at each step where it can
 * happen. A listener in the job's context arms the fault on the phone when the step starts (a write step: once
 * it is 30 % done), so the cell is exact. Every cell must end in a named outcome with a next step, the job file
 * and the store record must agree, and where the next step says to run the job again (or resume it), doing so
 * on the same phone must finish it: for a reflash or an emergency flash, the phone's eMMC then equals the FFU's
 * raw image.
 *
 * <p>Cells run in parallel (each on its own bus, journal and store): a stalled phone costs a transfer's real
 * timeout (5 s; 60 s for an FFU payload message), which no clock scaling shortens.
 *
 * <p>The table in docs/reliability.md ("The fault matrix") is this test's output: {@code target/fault-matrix.md};
 * the docs must hold exactly it. Regenerate with {@code -Dfault.matrix.write=true}.
 */
class FaultMatrixTest {
    private static final PortPath PORT = PortPath.parse("1-4");
    private static final String MODEL = "RM-1104";
    private static final String IMEI = "356938035643817";
    private static final String OTHER_IMEI = "356938035643825";
    private static final int SCALE = 200;
    private static final long FFU_BYTES = 6L << 20; // the flash app takes 2.25 MiB pieces: three, so a fault lands mid-write
    private static final Pattern RUN_AGAIN = Pattern.compile("(?i)\\brun\\b[^.]*\\bagain\\b|\\brerun\\b|\\bresume\\b");
    static final String BEGIN = "<!-- fault-matrix:begin -->";
    static final String END = "<!-- fault-matrix:end -->";

    /** The faults of the matrix, in the words of the issue. */
    enum Fault {
        STALL("stall"), NAK("NAK / refusal"), CORRUPT("garbage / corrupt length"), CABLE_PULL("cable pulled"),
        WRONG_MODE("wrong mode"), OTHER_PHONE("another phone"), DEAD_BATTERY("dead battery (F006)"), AGENT_KILLED("agent killed");

        final String label;

        Fault(String label) {
            this.label = label;
        }
    }

    /** The flows, each started the way its verb starts it on a healthy phone. */
    enum FlowKind {
        INFO("info", Mode.NORMAL), SOFT_RESET("soft-reset", Mode.NORMAL),
        SOFT_RESET_KEYS("soft-reset, guided by keys: the phone is hung", Mode.NORMAL, true),
        HARD_RESET("hard-reset --method usb-wipe", Mode.UEFI),
        HARD_RESET_SETTINGS("hard-reset --method settings", Mode.NORMAL),
        HARD_RESET_KEYS("hard-reset --method keys", Mode.NORMAL),
        HARD_RESET_AUTO("hard-reset --method auto, no FFU: the phone is hung, so keys", Mode.NORMAL, true),
        HARD_RESET_REFLASH("hard-reset --method reflash", Mode.NORMAL),
        REFLASH("reflash", Mode.NORMAL), EMERGENCY("emergency", Mode.EDL_PBL),
        EMERGENCY_RAWPROGRAM("emergency --rawprogram (a QFIL rawprogram set)", Mode.EDL_PBL),
        EMERGENCY_LIBRARY("emergency, files from the firmware library", Mode.EDL_PBL);

        final String label;
        final Mode start;
        /** The phone is hung (answers nothing over USB) when the job starts: the flow guides a key reset. */
        final boolean hung;

        FlowKind(String label, Mode start) {
            this(label, start, false);
        }

        FlowKind(String label, Mode start, boolean hung) {
            this.label = label;
            this.start = start;
            this.hung = hung;
        }

        /** A hard reset by a guided method or usb-wipe: it erases the user data (by reflash it writes the FFU). */
        boolean hardReset() {
            return name().startsWith("HARD_RESET") && this != HARD_RESET_REFLASH;
        }

        /** It writes the FFU's raw image through the flash app (ReflashFlow, also as a hard reset's method). */
        boolean reflashes() {
            return this == REFLASH || this == HARD_RESET_REFLASH;
        }

        /** It writes in 9008 (EmergencyFlow), whatever its files. */
        boolean emergency() {
            return name().startsWith("EMERGENCY");
        }
    }

    /** One step of a flow: the mode the phone is in (or is awaited in) during it, whether it sends anything, whether it writes. */
    record StepRow(FlowKind flow, String step, Mode mode, boolean sends, boolean write) {
    }

    private static StepRow row(FlowKind f, String step, Mode mode, boolean sends) {
        return new StepRow(f, step, mode, sends, false);
    }

    /** Every flow's steps, in the order they run (a baseline test checks this against each flow's own plan). */
    static final List<StepRow> STEPS = List.of(
            row(FlowKind.INFO, InfoFlow.READ_INFO, Mode.NORMAL, true),

            row(FlowKind.SOFT_RESET, SoftResetFlow.READ_IDENTITY, Mode.NORMAL, true),
            row(FlowKind.SOFT_RESET, SoftResetFlow.SEND_RESET, Mode.NORMAL, true),
            row(FlowKind.SOFT_RESET, SoftResetFlow.AWAIT_LEAVE, Mode.NORMAL, false),
            row(FlowKind.SOFT_RESET, SoftResetFlow.AWAIT_RETURN, Mode.NORMAL, false),
            row(FlowKind.SOFT_RESET, Identities.CONFIRM_IDENTITY, Mode.NORMAL, true),

            row(FlowKind.SOFT_RESET_KEYS, SoftResetFlow.READ_IDENTITY, Mode.NORMAL, true),
            row(FlowKind.SOFT_RESET_KEYS, SoftResetFlow.GUIDED_KEYS, Mode.NORMAL, false),
            row(FlowKind.SOFT_RESET_KEYS, SoftResetFlow.AWAIT_LEAVE, Mode.NORMAL, false),
            row(FlowKind.SOFT_RESET_KEYS, SoftResetFlow.AWAIT_RETURN, Mode.NORMAL, false),
            row(FlowKind.SOFT_RESET_KEYS, Identities.CONFIRM_IDENTITY, Mode.NORMAL, true),

            row(FlowKind.HARD_RESET, HardResetFlow.READ_PHONE, Mode.UEFI, true),
            row(FlowKind.HARD_RESET, HardResetFlow.CHOOSE_METHOD, Mode.UEFI, false),
            row(FlowKind.HARD_RESET, HardResetFlow.PRE_FLIGHT, Mode.UEFI, false),
            new StepRow(FlowKind.HARD_RESET, HardResetFlow.ERASE_DATA, Mode.UEFI, true, false),
            row(FlowKind.HARD_RESET, HardResetFlow.REBOOT, Mode.UEFI, true),
            row(FlowKind.HARD_RESET, HardResetFlow.AWAIT_LEAVE, Mode.UEFI, false),
            row(FlowKind.HARD_RESET, HardResetFlow.AWAIT_RESET, Mode.NORMAL, false),
            row(FlowKind.HARD_RESET, Identities.CONFIRM_IDENTITY, Mode.NORMAL, true),

            row(FlowKind.HARD_RESET_SETTINGS, HardResetFlow.READ_PHONE, Mode.NORMAL, true),
            row(FlowKind.HARD_RESET_SETTINGS, HardResetFlow.CHOOSE_METHOD, Mode.NORMAL, false),
            row(FlowKind.HARD_RESET_SETTINGS, HardResetFlow.PRE_FLIGHT, Mode.NORMAL, false),
            row(FlowKind.HARD_RESET_SETTINGS, HardResetFlow.SETTINGS_RESET, Mode.NORMAL, false),
            row(FlowKind.HARD_RESET_SETTINGS, HardResetFlow.AWAIT_LEAVE, Mode.NORMAL, false),
            row(FlowKind.HARD_RESET_SETTINGS, HardResetFlow.AWAIT_RESET, Mode.NORMAL, false),
            row(FlowKind.HARD_RESET_SETTINGS, Identities.CONFIRM_IDENTITY, Mode.NORMAL, true),

            row(FlowKind.HARD_RESET_KEYS, HardResetFlow.READ_PHONE, Mode.NORMAL, true),
            row(FlowKind.HARD_RESET_KEYS, HardResetFlow.CHOOSE_METHOD, Mode.NORMAL, false),
            row(FlowKind.HARD_RESET_KEYS, HardResetFlow.PRE_FLIGHT, Mode.NORMAL, false),
            row(FlowKind.HARD_RESET_KEYS, HardResetFlow.GUIDED_KEYS, Mode.NORMAL, false),
            row(FlowKind.HARD_RESET_KEYS, HardResetFlow.AWAIT_LEAVE, Mode.NORMAL, false),
            row(FlowKind.HARD_RESET_KEYS, HardResetFlow.AWAIT_RESET, Mode.NORMAL, false),
            row(FlowKind.HARD_RESET_KEYS, Identities.CONFIRM_IDENTITY, Mode.NORMAL, true),

            row(FlowKind.HARD_RESET_AUTO, HardResetFlow.READ_PHONE, Mode.NORMAL, true),
            row(FlowKind.HARD_RESET_AUTO, HardResetFlow.CHOOSE_METHOD, Mode.NORMAL, false),
            row(FlowKind.HARD_RESET_AUTO, HardResetFlow.PRE_FLIGHT, Mode.NORMAL, false),
            row(FlowKind.HARD_RESET_AUTO, HardResetFlow.GUIDED_KEYS, Mode.NORMAL, false),
            row(FlowKind.HARD_RESET_AUTO, HardResetFlow.AWAIT_LEAVE, Mode.NORMAL, false),
            row(FlowKind.HARD_RESET_AUTO, HardResetFlow.AWAIT_RESET, Mode.NORMAL, false),
            row(FlowKind.HARD_RESET_AUTO, Identities.CONFIRM_IDENTITY, Mode.NORMAL, true),

            // The hard reset reads the phone and chooses; the reflash it delegates to then runs its own steps (the job's plan
            // is the hard reset's two and the reflash's).
            row(FlowKind.HARD_RESET_REFLASH, HardResetFlow.READ_PHONE, Mode.NORMAL, true),
            row(FlowKind.HARD_RESET_REFLASH, HardResetFlow.CHOOSE_METHOD, Mode.NORMAL, false),
            row(FlowKind.HARD_RESET_REFLASH, ReflashFlow.VERIFY_FFU, Mode.NORMAL, false),
            row(FlowKind.HARD_RESET_REFLASH, ReflashFlow.READ_INFO, Mode.NORMAL, true),
            row(FlowKind.HARD_RESET_REFLASH, ReflashFlow.PRE_FLIGHT, Mode.NORMAL, false),
            row(FlowKind.HARD_RESET_REFLASH, ReflashFlow.SWITCH_TO_FLASH, Mode.NORMAL, true),
            row(FlowKind.HARD_RESET_REFLASH, ReflashFlow.AWAIT_FLASH_APP, Mode.UEFI, false),
            row(FlowKind.HARD_RESET_REFLASH, ReflashFlow.CHECK_PHONE, Mode.UEFI, true),
            row(FlowKind.HARD_RESET_REFLASH, ReflashFlow.SEND_HEADER, Mode.UEFI, true),
            new StepRow(FlowKind.HARD_RESET_REFLASH, ReflashFlow.WRITE_CHUNKS, Mode.UEFI, true, true),
            row(FlowKind.HARD_RESET_REFLASH, ReflashFlow.REBOOT, Mode.UEFI, true),
            row(FlowKind.HARD_RESET_REFLASH, ReflashFlow.AWAIT_LEAVE, Mode.UEFI, false),
            row(FlowKind.HARD_RESET_REFLASH, ReflashFlow.AWAIT_RETURN, Mode.NORMAL, false),
            row(FlowKind.HARD_RESET_REFLASH, Identities.CONFIRM_IDENTITY, Mode.NORMAL, true),

            row(FlowKind.REFLASH, ReflashFlow.VERIFY_FFU, Mode.NORMAL, false),
            row(FlowKind.REFLASH, ReflashFlow.READ_INFO, Mode.NORMAL, true),
            row(FlowKind.REFLASH, ReflashFlow.PRE_FLIGHT, Mode.NORMAL, false),
            row(FlowKind.REFLASH, ReflashFlow.SWITCH_TO_FLASH, Mode.NORMAL, true),
            row(FlowKind.REFLASH, ReflashFlow.AWAIT_FLASH_APP, Mode.UEFI, false),
            row(FlowKind.REFLASH, ReflashFlow.CHECK_PHONE, Mode.UEFI, true),
            row(FlowKind.REFLASH, ReflashFlow.SEND_HEADER, Mode.UEFI, true),
            new StepRow(FlowKind.REFLASH, ReflashFlow.WRITE_CHUNKS, Mode.UEFI, true, true),
            row(FlowKind.REFLASH, ReflashFlow.REBOOT, Mode.UEFI, true),
            row(FlowKind.REFLASH, ReflashFlow.AWAIT_LEAVE, Mode.UEFI, false),
            row(FlowKind.REFLASH, ReflashFlow.AWAIT_RETURN, Mode.NORMAL, false),
            row(FlowKind.REFLASH, Identities.CONFIRM_IDENTITY, Mode.NORMAL, true),

            row(FlowKind.EMERGENCY, EmergencyFlow.READ_PROGRAMMER, Mode.EDL_PBL, false),
            row(FlowKind.EMERGENCY, EmergencyFlow.DETECT, Mode.EDL_PBL, true),
            row(FlowKind.EMERGENCY, EmergencyFlow.READ_CHIP, Mode.EDL_PBL, true),
            row(FlowKind.EMERGENCY, EmergencyFlow.CHECK_PROGRAMMER, Mode.EDL_PBL, false),
            row(FlowKind.EMERGENCY, EmergencyFlow.PRE_FLIGHT, Mode.EDL_PBL, false),
            row(FlowKind.EMERGENCY, EmergencyFlow.UPLOAD, Mode.EDL_PBL, true),
            row(FlowKind.EMERGENCY, EmergencyFlow.CONFIGURE, Mode.EDL_PBL, true),
            new StepRow(FlowKind.EMERGENCY, EmergencyFlow.WRITE_IMAGE, Mode.EDL_PBL, true, true),
            row(FlowKind.EMERGENCY, EmergencyFlow.VERIFY_IMAGE, Mode.EDL_PBL, true),
            row(FlowKind.EMERGENCY, EmergencyFlow.POWER_RESET, Mode.EDL_PBL, true),
            row(FlowKind.EMERGENCY, EmergencyFlow.AWAIT_RETURN, Mode.NORMAL, false),

            row(FlowKind.EMERGENCY_RAWPROGRAM, EmergencyFlow.READ_PROGRAMMER, Mode.EDL_PBL, false),
            row(FlowKind.EMERGENCY_RAWPROGRAM, EmergencyFlow.DETECT, Mode.EDL_PBL, true),
            row(FlowKind.EMERGENCY_RAWPROGRAM, EmergencyFlow.READ_CHIP, Mode.EDL_PBL, true),
            row(FlowKind.EMERGENCY_RAWPROGRAM, EmergencyFlow.CHECK_PROGRAMMER, Mode.EDL_PBL, false),
            row(FlowKind.EMERGENCY_RAWPROGRAM, EmergencyFlow.PRE_FLIGHT, Mode.EDL_PBL, false),
            row(FlowKind.EMERGENCY_RAWPROGRAM, EmergencyFlow.UPLOAD, Mode.EDL_PBL, true),
            row(FlowKind.EMERGENCY_RAWPROGRAM, EmergencyFlow.CONFIGURE, Mode.EDL_PBL, true),
            new StepRow(FlowKind.EMERGENCY_RAWPROGRAM, EmergencyFlow.WRITE_IMAGE, Mode.EDL_PBL, true, true),
            row(FlowKind.EMERGENCY_RAWPROGRAM, EmergencyFlow.VERIFY_IMAGE, Mode.EDL_PBL, true),
            row(FlowKind.EMERGENCY_RAWPROGRAM, EmergencyFlow.POWER_RESET, Mode.EDL_PBL, true),
            row(FlowKind.EMERGENCY_RAWPROGRAM, EmergencyFlow.AWAIT_RETURN, Mode.NORMAL, false),

            // The files are chosen by the root-key hash the chip tells, so the programmer is read after it.
            row(FlowKind.EMERGENCY_LIBRARY, EmergencyFlow.DETECT, Mode.EDL_PBL, true),
            row(FlowKind.EMERGENCY_LIBRARY, EmergencyFlow.READ_CHIP, Mode.EDL_PBL, true),
            row(FlowKind.EMERGENCY_LIBRARY, EmergencyFlow.READ_PROGRAMMER, Mode.EDL_PBL, false),
            row(FlowKind.EMERGENCY_LIBRARY, EmergencyFlow.CHECK_PROGRAMMER, Mode.EDL_PBL, false),
            row(FlowKind.EMERGENCY_LIBRARY, EmergencyFlow.PRE_FLIGHT, Mode.EDL_PBL, false),
            row(FlowKind.EMERGENCY_LIBRARY, EmergencyFlow.UPLOAD, Mode.EDL_PBL, true),
            row(FlowKind.EMERGENCY_LIBRARY, EmergencyFlow.CONFIGURE, Mode.EDL_PBL, true),
            new StepRow(FlowKind.EMERGENCY_LIBRARY, EmergencyFlow.WRITE_IMAGE, Mode.EDL_PBL, true, true),
            row(FlowKind.EMERGENCY_LIBRARY, EmergencyFlow.VERIFY_IMAGE, Mode.EDL_PBL, true),
            row(FlowKind.EMERGENCY_LIBRARY, EmergencyFlow.POWER_RESET, Mode.EDL_PBL, true),
            row(FlowKind.EMERGENCY_LIBRARY, EmergencyFlow.AWAIT_RETURN, Mode.NORMAL, false));

    /** Why a cell cannot happen, or null: the test's own list, printed under the table. */
    static String impossible(StepRow s, Fault f) {
        if (s.flow().hung && (f == Fault.STALL || f == Fault.NAK || f == Fault.CORRUPT)
                && STEPS.stream().filter(x -> x.flow() == s.flow()).findFirst().orElseThrow().equals(s)) {
            return "the row's phone is hung from the start (why the reset is guided): at the step that reads it, it already answers "
                    + "nothing, so a stall changes nothing and there is no answer to refuse or garble";
        }
        if ((f == Fault.NAK || f == Fault.CORRUPT) && !s.sends()) {
            return "the step sends the phone nothing, so there is no command to refuse and no answer to garble";
        }
        if (f == Fault.CORRUPT && NO_REPLY.contains(s.flow() + "/" + s.step())) {
            return "the phone restarts on the step's command without answering it, so there is no answer to garble";
        }
        if ((f == Fault.NAK || f == Fault.CORRUPT) && s.flow().emergency() && s.step().equals(EmergencyFlow.DETECT)) {
            return "the PBL's HELLO is sent when the channel opens, before the step starts, and a phone that greeted is sent nothing "
                    + "in this step";
        }
        return null;
    }

    /** Steps whose one command restarts the phone without an answer (NCSd SetDeviceMode / reset, NOKR). */
    private static final java.util.Set<String> NO_REPLY = java.util.Set.of(FlowKind.REFLASH + "/" + ReflashFlow.SWITCH_TO_FLASH,
            FlowKind.REFLASH + "/" + ReflashFlow.REBOOT, FlowKind.SOFT_RESET + "/" + SoftResetFlow.SEND_RESET,
            FlowKind.HARD_RESET + "/" + HardResetFlow.REBOOT, FlowKind.HARD_RESET_REFLASH + "/" + ReflashFlow.SWITCH_TO_FLASH,
            FlowKind.HARD_RESET_REFLASH + "/" + ReflashFlow.REBOOT);

    /** Why a hung phone's job cannot tell a swapped phone. */
    private static final String HUNG_SWAP = "a hung phone tells nothing of itself before its reset (no IMEI; its USB serial proves "
            + "nothing, some modes report another), so there is nothing to compare the phone that comes back with";

    /**
     * A known limit's cell: why its outcome is accepted (the docs' words), and what it is, asserted like any other cell's
     * so a change (better or worse) fails the test and the entry is updated: the outcome, the IMEI the record names and
     * the one the outcome's summary names (null: none), and whether the job's phone and the phone swapped in each ended
     * as the job ends a phone (reset: its data erased; written: its eMMC equals the FFU's raw image; a soft reset leaves
     * nothing to check: null).
     */
    record Known(String why, Reason outcome, String recordImei, String summaryImei, Boolean jobPhoneDone, Boolean otherPhoneDone) {
        /** The record's IMEI is read once the job is done, if the phone is then in a mode that tells it: either is right. */
        static final String NONE_OR_OTHER = "none, or the swapped phone's";
    }

    /** Why an emergency job swapped before it read its phone takes the phone on the port. */
    private static final String EDL_UNREAD = "a 9008 phone has no USB serial and the job has read nothing of it yet: the job is for the "
            + "phone on the port, and the one put there is written (DONE; the record names its IMEI if it is back in normal mode "
            + "when the job ends, none if it is still in its boot manager)";
    /** Why an emergency job takes a phone swapped in as the written one restarts. */
    private static final String EDL_AFTER = "after an emergency write nothing the phone told in 9008 (its chip serial) can be compared "
            + "with what it tells once back (IMEI): a phone swapped in while the written one restarts is taken for it (DONE), and the "
            + "record names the swapped phone's IMEI";
    /** How a soft reset names the phone it reset. */
    private static final String SOFT_NAMES = " (DONE): the outcome's summary and the record name its IMEI (a soft reset reads the "
            + "phone once it is back, not before: a hung phone tells nothing)";

    /**
     * Cells whose outcome depends on a race the test cannot order: after an emergency write the phone restarts by itself
     * (Firehose power reset) and may be back in normal mode before the fault injected at AwaitReturn lands; then the job
     * is rightly DONE. The table shows both outcomes for them (key: flow/step/fault → the cell's text); each run's
     * outcome is still checked as every cell's is.
     */
    static final Map<String, String> RACY = racy();

    private static Map<String, String> racy() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String flow : List.of("emergency", "emergency_rawprogram", "emergency_library")) {
            m.put(flow + "/AwaitReturn/wrong_mode", "PHONE_DID_NOT_RETURN ↻ or DONE");
            m.put(flow + "/AwaitReturn/agent_killed", "INTERRUPTED ↻ or DONE");
        }
        // The phone swapped as the person taps Settings → reset: whether the agent first sees the phone leave or the
        // other phone's identity depends on which of the two the bus shows first. Both are named, with a next step.
        m.put("hard_reset_settings/ResetFromSettings/other_phone", "PHONE_LEFT ↻ or DIFFERENT_PHONE");
        // The phone swapped as a usb-wiped phone leaves for its restart: whether the agent first takes the other phone's
        // arrival (its identity differs: DIFFERENT_PHONE) or keeps waiting for its own through the reset's bound
        // (RESET_NEVER_FINISHED) depends on when the other phone's identity is read. Seen both ways on a loaded CI host.
        m.put("hard_reset/AwaitLeave/other_phone", "RESET_NEVER_FINISHED or DIFFERENT_PHONE");
        return m;
    }

    /**
     * Cells whose outcome is accepted though it is not the ideal one: a limit of what the agent can know, said in
     * the docs under the table. Key: flow/step/fault.
     */
    static final Map<String, Known> KNOWN = known(
            "emergency/ReadProgrammer/other_phone", new Known(EDL_UNREAD, Reason.DONE, Known.NONE_OR_OTHER, null, false, true),
            "emergency/AwaitReturn/other_phone", new Known(EDL_AFTER, Reason.DONE, OTHER_IMEI, null, true, false),
            "emergency_rawprogram/ReadProgrammer/other_phone", new Known(EDL_UNREAD, Reason.DONE, Known.NONE_OR_OTHER, null, false, true),
            "emergency_rawprogram/AwaitReturn/other_phone", new Known(EDL_AFTER, Reason.DONE, OTHER_IMEI, null, true, false),
            "emergency_library/AwaitReturn/other_phone", new Known(EDL_AFTER, Reason.DONE, OTHER_IMEI, null, true, false),
            "hard_reset_auto/ChooseMethod/other_phone", new Known(HUNG_SWAP + ": the keys reset the phone now on the port (DONE, its "
                    + "data erased), and the record names its IMEI", Reason.DONE, OTHER_IMEI, OTHER_IMEI, false, true),
            "hard_reset_auto/PreFlight/other_phone", new Known(HUNG_SWAP + ": the keys reset the phone now on the port (DONE, its data "
                    + "erased), and the record names its IMEI", Reason.DONE, OTHER_IMEI, OTHER_IMEI, false, true),
            "hard_reset_auto/GuidedKeyHardReset/other_phone", new Known(HUNG_SWAP + ": the phone put on the port as the keys are asked "
                    + "for is the one reset and is taken for it (DONE, its data erased), and the record names its IMEI", Reason.DONE,
                    OTHER_IMEI, OTHER_IMEI, false, true),
            "hard_reset_auto/AwaitLeave/other_phone", new Known(HUNG_SWAP + ": the phone put on the port as the agent waits for the "
                    + "restart is taken for it (DONE), and the record names its IMEI", Reason.DONE, OTHER_IMEI, OTHER_IMEI, false, null),
            "hard_reset_auto/AwaitResetFinish/other_phone", new Known(HUNG_SWAP + ": a phone put on the port while the job's phone is in "
                    + "its gears is taken for it, reset (DONE) though it was not, and the record names its IMEI", Reason.DONE, OTHER_IMEI,
                    OTHER_IMEI, false, false),
            "soft_reset_keys/GuidedKeyReset/other_phone", new Known(HUNG_SWAP + ": the phone put on the port as the keys are asked for is "
                    + "the one reset and is taken for it" + SOFT_NAMES, Reason.DONE, OTHER_IMEI, OTHER_IMEI, null, null),
            "soft_reset_keys/AwaitLeave/other_phone", new Known(HUNG_SWAP + ": the phone that comes back is taken for it" + SOFT_NAMES,
                    Reason.DONE, OTHER_IMEI, OTHER_IMEI, null, null),
            "soft_reset_keys/AwaitReturn/other_phone", new Known(HUNG_SWAP + ": the phone that comes back is taken for it" + SOFT_NAMES,
                    Reason.DONE, OTHER_IMEI, OTHER_IMEI, null, null));

    private static Map<String, Known> known(Object... keyThenKnown) {
        Map<String, Known> m = new LinkedHashMap<>();
        for (int i = 0; i < keyThenKnown.length; i += 2) {
            m.put((String) keyThenKnown[i], (Known) keyThenKnown[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /** One cell: a fault at a step (NONE: the flow's baseline). */
    record Cell(StepRow row, Fault fault, Fault then) {
        Cell(StepRow row, Fault fault) {
            this(row, fault, null);
        }

        String id() {
            return row.flow().name().toLowerCase(Locale.ROOT) + "/" + row.step() + "/" + (fault == null ? "baseline" : fault.name().toLowerCase(Locale.ROOT))
                    + (then == null ? "" : "+then_" + then.name().toLowerCase(Locale.ROOT));
        }
    }

    /** The faults a resumed run meets in its write (the first run killed in it): each a named outcome whose next step finishes the job. */
    static final List<Fault> IN_RESUMED_RUN = List.of(Fault.STALL, Fault.NAK, Fault.CABLE_PULL);

    /** The agent killed during each flow's write, then a second fault in the resumed run's write (at 30 % again). */
    static List<Cell> resumedCells() {
        List<Cell> out = new ArrayList<>();
        for (StepRow s : STEPS) {
            if (s.write()) {
                for (Fault then : IN_RESUMED_RUN) {
                    out.add(new Cell(s, Fault.AGENT_KILLED, then));
                }
            }
        }
        return out;
    }

    /** What a cell ended in: its outcome, and what running it again (or resuming) gave. */
    record Result(String outcome, String summary, String nextStep, String recovery) {
    }

    @TempDir
    static Path root;
    private static Path library;
    private static Path emptyLibrary;
    private static Path emergencyLibrary;
    private static Path rawprogram;
    private static Path images;
    private static ExecutorService pool;
    private static final Map<String, Future<Result>> RESULTS = new LinkedHashMap<>();

    @BeforeAll
    static void files() throws Exception {
        library = Files.createDirectories(root.resolve("firmware"));
        emptyLibrary = Files.createDirectories(root.resolve("no-firmware"));
        SimModel m = SimModels.standard().require(MODEL);
        try (FileChannel ch = FileChannel.open(ffu(), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            new FfuBuilder().platformId(m.platformId()).osVersion(m.osVersion()).build(new DemoDisk(FFU_BYTES), ch);
        }
        Files.write(programmer(), EdeBuilder.forPlatform(m.platformId()).build());
        rawprogramSet(m);
        emergencyLibrary();
        pool = Executors.newFixedThreadPool(Integer.getInteger("fault.matrix.threads", 16), r -> {
            Thread t = new Thread(r, "fault-matrix");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    /**
     * The rawprogram set the emergency --rawprogram row writes: the FFU's raw image cut into one file per stretch of
     * written blocks (at least four entries, so the write's progress passes 30 % with entries still to write), no patch.
     */
    private static void rawprogramSet(SimModel m) throws Exception {
        images = Files.createDirectories(root.resolve("rawprogram-images"));
        SimPhone probe = new SimPhone(m, IMEI, "", Mode.EDL_PBL, 80, LinkKind.PACKET, EnumSet.noneOf(SimFault.class));
        java.util.TreeMap<Long, byte[]> writes = new java.util.TreeMap<>();
        try (FfuFile file = FfuFile.open(ffu())) {
            file.reconstruct(probe.disk().blockCount(), (offset, data) -> {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                writes.put(offset, b);
            }, true, (a, b) -> { });
        }
        // Coalesce touching writes into stretches, then halve the largest until there are at least four pieces.
        List<Long> starts = new ArrayList<>();
        List<byte[]> pieces = new ArrayList<>();
        java.io.ByteArrayOutputStream run = new java.io.ByteArrayOutputStream();
        long start = -1;
        for (Map.Entry<Long, byte[]> w : writes.entrySet()) {
            if (start >= 0 && start + run.size() != w.getKey()) {
                starts.add(start);
                pieces.add(run.toByteArray());
                run.reset();
                start = -1;
            }
            if (start < 0) {
                start = w.getKey();
            }
            run.write(w.getValue());
        }
        starts.add(start);
        pieces.add(run.toByteArray());
        while (pieces.size() < 4) {
            int big = 0;
            for (int j = 1; j < pieces.size(); j++) {
                big = pieces.get(j).length > pieces.get(big).length ? j : big;
            }
            byte[] whole = pieces.get(big);
            int half = whole.length / 2 / 512 * 512;
            pieces.set(big, java.util.Arrays.copyOf(whole, half));
            pieces.add(big + 1, java.util.Arrays.copyOfRange(whole, half, whole.length));
            starts.add(big + 1, starts.get(big) + half);
        }
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" ?>\n<data>\n");
        for (int i = 0; i < pieces.size(); i++) {
            assertThat(starts.get(i) % 512).isZero();
            String name = "piece" + i + ".bin";
            Files.write(images.resolve(name), pieces.get(i));
            xml.append("  <program SECTOR_SIZE_IN_BYTES=\"512\" file_sector_offset=\"0\" filename=\"").append(name)
                    .append("\" label=\"").append(name).append("\" num_partition_sectors=\"").append((pieces.get(i).length + 511) / 512)
                    .append("\" physical_partition_number=\"0\" sparse=\"false\" start_sector=\"").append(starts.get(i) / 512)
                    .append("\"/>\n");
        }
        rawprogram = Files.writeString(root.resolve("rawprogram0.xml"), xml.append("</data>\n").toString());
    }

    /** The layout `simulate firmware` writes: RM-xxxx/RM-xxxx_demo.ffu, the programmer under the model's emergency key. */
    private static void emergencyLibrary() throws Exception {
        emergencyLibrary = Files.createDirectories(root.resolve("emergency-library"));
        Path model = Files.createDirectories(emergencyLibrary.resolve(ProductType.normalise(MODEL)));
        Files.copy(ffu(), model.resolve(MODEL + "_demo.ffu"));
        Path key = Files.createDirectories(emergencyLibrary.resolve(ProductType.emergencyKey(MODEL)));
        Files.copy(programmer(), key.resolve(MODEL + "_sim.ede"));
    }

    private static Path ffu() {
        return library.resolve(MODEL + "_demo.ffu");
    }

    private static Path programmer() {
        return library.resolve(MODEL + "_sim.ede");
    }

    static List<Cell> cells() {
        List<Cell> out = new ArrayList<>();
        for (StepRow s : STEPS) {
            for (Fault f : Fault.values()) {
                if (impossible(s, f) == null) {
                    out.add(new Cell(s, f));
                }
            }
        }
        return out;
    }

    @TestFactory
    @Timeout(value = 900, unit = TimeUnit.SECONDS)
    Stream<DynamicTest> everyFaultAtEveryStep() {
        List<Cell> cells = new ArrayList<>();
        for (FlowKind f : FlowKind.values()) {
            cells.add(new Cell(STEPS.stream().filter(s -> s.flow() == f).findFirst().orElseThrow(), null));
        }
        String only = System.getProperty("fault.matrix.only", "");
        // -Dfault.matrix.only=a,b: only the cells whose id contains one of them (the docs are then not checked)
        List<String> onlyAny = List.of(only.split(","));
        cells.addAll(Stream.concat(cells().stream(), resumedCells().stream()).filter(c -> onlyAny.stream().anyMatch(o -> c.id().contains(o)))
                .toList());
        synchronized (RESULTS) {
            for (Cell c : cells) {
                RESULTS.put(c.id(), pool.submit(() -> new CellRun(c).run()));
            }
        }
        Stream<DynamicTest> tests = cells.stream().map(c -> DynamicTest.dynamicTest(c.id(), () -> {
            Result r = RESULTS.get(c.id()).get(240, TimeUnit.SECONDS);
            assertThat(r.outcome()).isNotNull();
        }));
        return Stream.concat(tests, Stream.of(DynamicTest.dynamicTest("the docs hold this matrix", () -> {
            Map<String, Result> done = new LinkedHashMap<>();
            for (Map.Entry<String, Future<Result>> e : RESULTS.entrySet()) {
                done.put(e.getKey(), e.getValue().get(240, TimeUnit.SECONDS));
            }
            String table = markdown(done);
            Path out = Path.of("target", "fault-matrix.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, table, StandardCharsets.UTF_8);
            // Every cell's words, for review: what the technician is told.
            StringBuilder details = new StringBuilder();
            done.forEach((id, r) -> details.append(id).append(": ").append(r.outcome()).append(' ').append(r.recovery()).append("\n  ")
                    .append(r.summary()).append("\n  next: ").append(r.nextStep()).append('\n'));
            Files.writeString(Path.of("target", "fault-matrix-details.txt"), details, StandardCharsets.UTF_8);
            if (!only.isEmpty()) {
                return;
            }
            assertThat(done.keySet()).as("every known limit is a cell the matrix runs").containsAll(KNOWN.keySet());
            for (Cell c : resumedCells()) {
                // A resumed run meets a fault in its write as a fresh run does.
                assertThat(done.get(c.id()).outcome()).as(c.id() + ": as the fresh run's")
                        .isEqualTo(done.get(new Cell(c.row(), c.then()).id()).outcome());
            }
            Path docs = Path.of("docs", "reliability.md");
            if (Boolean.getBoolean("fault.matrix.write")) {
                writeSection(docs, table);
            }
            assertThat(Files.exists(docs)).as("docs/reliability.md (regenerate with -Dfault.matrix.write=true)").isTrue();
            assertThat(section(Files.readString(docs, StandardCharsets.UTF_8)))
                    .as("docs/reliability.md's fault matrix is target/fault-matrix.md (regenerate with -Dfault.matrix.write=true)")
                    .isEqualTo(table);
        })));
    }

    /** Each flow's baseline plan is the table's list of its steps: the matrix covers every step the flow has. */
    @Test
    @Timeout(120)
    void theTableListsEveryStepOfEveryFlow() throws Exception {
        for (FlowKind f : FlowKind.values()) {
            CellRun run = new CellRun(new Cell(STEPS.stream().filter(s -> s.flow() == f).findFirst().orElseThrow(), null));
            run.run();
            assertThat(run.plan).as(f.label).containsExactlyElementsOf(STEPS.stream().filter(s -> s.flow() == f).map(StepRow::step).toList());
            assertThat(run.steps).as(f.label + ": the job file's steps are its plan's, run in order").isEqualTo(run.plan);
        }
    }

    /** The docs file is shared (a "Fuzzing" section by another test, a title): only the marked section is rewritten. */
    @Test
    void regeneratingTheSectionKeepsTheRestOfTheDocsFile(@TempDir Path tmp) throws Exception {
        Path docs = tmp.resolve("reliability.md");
        writeSection(docs, BEGIN + "\nold\n" + END + "\n");
        Files.writeString(docs, Files.readString(docs) + "\n## Fuzzing\n\nkept\n");
        String table = BEGIN + "\n## The fault matrix\n\nnew\n" + END + "\n";
        writeSection(docs, table);
        writeSection(docs, table);
        String text = Files.readString(docs);
        assertThat(section(text)).isEqualTo(table);
        assertThat(text).startsWith("# Reliability").contains("## Fuzzing\n\nkept\n").doesNotContain("old");
        assertThat(text.indexOf(BEGIN)).isEqualTo(text.lastIndexOf(BEGIN));
    }

    // ---- one cell ----

    /** One cell's run: its own bus, phone, journal and store. */
    private static final class CellRun implements JobListener {
        final Cell cell;
        final SimBus bus = new SimBus(AgentClock.scaled(SCALE));
        final SimPhone phone;
        volatile boolean armed = true;
        volatile boolean fired;
        volatile boolean oneShotUnused;
        /** The fault the injector fires: the cell's, then (a resumed-run cell) its second one. */
        volatile Fault current;
        /** The phone swapped in by the other-phone fault. */
        volatile SimPhone other;
        volatile List<String> plan = List.of();
        volatile List<String> steps = List.of();
        final java.util.concurrent.atomic.AtomicInteger actions = new java.util.concurrent.atomic.AtomicInteger();

        CellRun(Cell cell) {
            this.cell = cell;
            this.current = cell.fault();
            this.phone = phone(cell.row().flow(), IMEI, "SNA", cell.row().flow().start);
            if (cell.row().flow().hung) {
                phone.inject(SimFault.STALL); // a hung OS: enumerates, answers nothing
            }
        }

        private static SimPhone phone(FlowKind flow, String imei, String serial, Mode mode) {
            SimPhone p = new SimPhone(SimModels.standard().require(MODEL), imei, serial, mode, 80, LinkKind.PACKET,
                    EnumSet.noneOf(SimFault.class));
            p.uefiApp(SimUefiApp.FLASH_APP);
            return p;
        }

        JobSpec spec() {
            switch (cell.row().flow()) {
                case INFO:
                    return new JobSpec.Info();
                case SOFT_RESET:
                case SOFT_RESET_KEYS:
                    return new JobSpec.SoftReset();
                case HARD_RESET:
                    return new JobSpec.HardReset(HardResetFlow.Method.USB_WIPE, Optional.of(new JobSpec.OneFfu(ffu())), "--yes");
                case HARD_RESET_SETTINGS:
                    return new JobSpec.HardReset(HardResetFlow.Method.SETTINGS, Optional.of(new JobSpec.OneFfu(ffu())), "--yes");
                case HARD_RESET_KEYS:
                    return new JobSpec.HardReset(HardResetFlow.Method.KEYS, Optional.of(new JobSpec.OneFfu(ffu())), "--yes");
                case HARD_RESET_AUTO:
                    // an empty firmware library: auto has no FFU, so it cannot choose a reflash
                    return new JobSpec.HardReset(HardResetFlow.Method.AUTO, Optional.of(new JobSpec.Library(emptyLibrary)), "--yes");
                case HARD_RESET_REFLASH:
                    return new JobSpec.HardReset(HardResetFlow.Method.REFLASH, Optional.of(new JobSpec.OneFfu(ffu())), "--yes");
                case REFLASH:
                    return new JobSpec.Reflash(new JobSpec.OneFfu(ffu()), "--yes");
                case EMERGENCY_RAWPROGRAM:
                    return new JobSpec.Emergency(new JobSpec.RawProgram(programmer(), List.of(rawprogram), List.of(), images), "--yes");
                case EMERGENCY_LIBRARY:
                    return new JobSpec.Emergency(new JobSpec.FromLibrary(emergencyLibrary), "--yes");
                default:
                    return new JobSpec.Emergency(new JobSpec.Fixed(programmer(), ffu()), "--yes");
            }
        }

        Result run() throws Exception {
            Path dir = Files.createDirectories(root.resolve(cell.id().replace('/', '_')));
            try (RecordStore store = RecordStores.open("jdbc:sqlite:" + dir.resolve("records.db"))) {
                return run(dir, store);
            } finally {
                bus.close();
            }
        }

        private JobRunner runner(Path dir, RecordStore store) {
            List<dev.lumiaagent.flow.FlowListener> mine = List.of(this);
            JobContext.Extras extras = new JobContext.Extras() {
                @Override
                public List<dev.lumiaagent.flow.FlowListener> listeners() {
                    return mine;
                }

                @Override
                public void close() {
                }
            };
            return new JobRunner(new JobContext(bus, bus.clock(), new JobSettings(1, 0, Duration.ofSeconds(30), "matrix", "tester"),
                    new JobJournal(dir.resolve("jobs")), store, "run-" + cell.id(), new JobListener() { }, (id, port) -> extras,
                    new JobPlans.Means(Consent.given("fault matrix"), Optional.empty(), s -> { })));
        }

        private Result run(Path dir, RecordStore store) throws Exception {
            bus.attach(PORT, phone);
            JobRunner runner = runner(dir, store);
            JobSpec spec = spec();
            UsbDevice device = bus.devices().get(0);
            JobRecord r;
            try {
                r = runner.runOne(spec, PORT, Optional.of(device));
            } finally {
                Thread.interrupted(); // the "agent killed" cell interrupts this thread; the agent's next process starts clean
            }
            armed = false;
            String where = cell.id() + ": " + r.outcome + ": " + r.summary + " / next: " + r.nextStep;
            // A named outcome with a next step.
            assertThat(r.outcome).as(where).isNotNull();
            Reason reason = Reason.valueOf(r.outcome);
            assertThat(reason).as(where + " (an unnamed failure is a defect)").isNotEqualTo(Reason.INTERNAL_ERROR);
            if (reason != Reason.DONE) {
                assertThat(r.nextStep).as(where + ": next step").isNotBlank();
            }
            if (cell.fault() == null) {
                assertThat(reason).as(where).isEqualTo(Reason.DONE);
            } else {
                assertThat(fired).as(where + ": the fault was injected at its step").isTrue();
                assertThat(oneShotUnused).as(where + ": the step sent a command to refuse or answer to garble").isFalse();
            }
            // The job file and the store agree.
            JobJournal journal = new JobJournal(dir.resolve("jobs"));
            Job job = journal.load(r.jobId).orElseThrow(() -> new AssertionError(where + ": no job file"));
            JobRecord stored = store.job(r.jobId).orElseThrow(() -> new AssertionError(where + ": no record in the store"));
            assertThat(stored.outcome).as(where + ": the store's outcome").isEqualTo(r.outcome);
            if (cell.fault() == Fault.AGENT_KILLED && reason == Reason.DONE) {
                // Stopped as its last wait began, with nothing left to wait for (the phone was back): the job is done.
                assertThat(job.state).as(where).isEqualTo(JobState.DONE);
            } else if (cell.fault() == Fault.AGENT_KILLED) {
                assertThat(reason).as(where).isEqualTo(Reason.INTERRUPTED);
                assertThat(job.state).as(where + ": the job file stays RUNNING for resume").isEqualTo(JobState.RUNNING);
                assertThat(job.runs.get(job.runs.size() - 1).state).as(where).isEqualTo(RunState.INTERRUPTED);
            } else {
                assertThat(reason).as(where + ": only a kill is INTERRUPTED").isNotEqualTo(Reason.INTERRUPTED);
                assertThat(job.state).as(where + ": the job file's state").isEqualTo(reason == Reason.DONE ? JobState.DONE : JobState.FAILED);
                assertThat(job.reason).as(where + ": the job file's outcome").isEqualTo(r.outcome);
            }
            if (cell.then() != null) {
                assertThat(reason).as(where + ": killed in its write").isEqualTo(Reason.INTERRUPTED);
                return resumeWithFault(runner, spec, journal, store, r, where);
            }
            Known known = KNOWN.get(cell.id());
            if (known != null) {
                // A known limit asserts its documented outcome: a change either way fails here, and the entry is updated.
                String k = where + " (a known limit: update KNOWN if this changed)";
                assertThat(reason).as(k + ": outcome").isEqualTo(known.outcome());
                if (Known.NONE_OR_OTHER.equals(known.recordImei())) {
                    assertThat(r.imei).as(k + ": the IMEI the record names").isIn(null, OTHER_IMEI);
                } else {
                    assertThat(r.imei).as(k + ": the IMEI the record names").isEqualTo(known.recordImei());
                }
                if (known.summaryImei() != null) {
                    assertThat(r.summary).as(k + ": the IMEI the summary names").contains(known.summaryImei());
                } else {
                    assertThat(r.summary).as(k + ": the summary names no IMEI").doesNotContain(IMEI).doesNotContain(OTHER_IMEI);
                }
                if (known.jobPhoneDone() != null) {
                    assertThat(isDone(phone)).as(k + ": the job's phone " + phone + " ended as the job ends a phone")
                            .isEqualTo(known.jobPhoneDone());
                }
                if (known.otherPhoneDone() != null) {
                    assertThat(other).as(k + ": a phone was swapped in").isNotNull();
                    assertThat(isDone(other)).as(k + ": the swapped-in phone " + other + " ended as the job ends a phone")
                            .isEqualTo(known.otherPhoneDone());
                }
            }
            if (cell.fault() == null) {
                plan = job.runs.get(0).plan;
                steps = job.runs.get(0).steps.stream().map(dev.lumiaagent.job.JobStep::name).toList();
                assertDone(where);
                return new Result(r.outcome, r.summary, "", "");
            }
            String recovery = "";
            if (reason != Reason.DONE && r.nextStep != null && RUN_AGAIN.matcher(r.nextStep).find()) {
                recovery = recover(runner, spec, journal, store, r, where);
            } else if (reason == Reason.DONE && cell.fault() == Fault.OTHER_PHONE) {
                // Done with another phone on the port: only a known limit (checked above, with what it did to each phone).
                assertThat(KNOWN).as(where + ": done with another phone on the port").containsKey(cell.id());
                Known k = KNOWN.get(cell.id());
                recovery = Boolean.TRUE.equals(k.jobPhoneDone()) || Boolean.TRUE.equals(k.otherPhoneDone()) ? "✓" : "";
            } else if (reason == Reason.DONE) {
                assertDone(where);
                recovery = "✓";
            }
            return new Result(r.outcome, r.summary, r.nextStep == null ? "" : r.nextStep, recovery);
        }

        /**
         * The killed job resumed as the technician would (the phone back, as after any kill), with the cell's second fault
         * injected in the resumed run's write: a named outcome with a next step, the same job's file and record agreeing
         * (its second run, its record's second attempt), and following that next step finishes the job.
         */
        private Result resumeWithFault(JobRunner runner, JobSpec spec, JobJournal journal, RecordStore store, JobRecord killed, String where)
                throws Exception {
            UsbDevice device = technician(where);
            Job job = journal.load(killed.jobId).orElseThrow();
            JobIdentity found = JobIdentity.of(runner.readPhone(spec, device), device);
            current = cell.then();
            fired = false;
            oneShotUnused = false;
            armed = true;
            JobRecord r;
            try {
                r = runner.resume(job, device, found).orElseThrow(() -> new AssertionError(where + ": resume did nothing"));
            } finally {
                Thread.interrupted();
            }
            armed = false;
            String said = where + " then resume with " + current.label + ": " + r.outcome + ": " + r.summary + " / next: " + r.nextStep;
            assertThat(fired).as(said + ": the second fault was injected in the resumed run's write").isTrue();
            assertThat(oneShotUnused).as(said + ": the write sent a command to refuse").isFalse();
            assertThat(r.jobId).as(said + ": the same job").isEqualTo(killed.jobId);
            Reason reason = Reason.valueOf(r.outcome);
            assertThat(reason).as(said + " (an unnamed failure is a defect)").isNotEqualTo(Reason.INTERNAL_ERROR);
            assertThat(reason).as(said + ": only a kill is INTERRUPTED").isNotEqualTo(Reason.INTERRUPTED);
            if (reason != Reason.DONE) {
                assertThat(r.nextStep).as(said + ": next step").isNotBlank();
            }
            Job file = journal.load(r.jobId).orElseThrow(() -> new AssertionError(said + ": no job file"));
            JobRecord stored = store.job(r.jobId).orElseThrow(() -> new AssertionError(said + ": no record in the store"));
            assertThat(stored.outcome).as(said + ": the store's outcome").isEqualTo(r.outcome);
            assertThat(stored.attempts).as(said + ": the record's attempts (the killed run, the resumed one)").isEqualTo(2);
            assertThat(file.runs).as(said + ": the job file's runs").hasSize(2);
            assertThat(file.state).as(said + ": the job file's state").isEqualTo(reason == Reason.DONE ? JobState.DONE : JobState.FAILED);
            assertThat(file.reason).as(said + ": the job file's outcome").isEqualTo(r.outcome);
            String recovery;
            if (reason == Reason.DONE) {
                assertDone(said);
                recovery = "✓";
            } else if (RUN_AGAIN.matcher(r.nextStep).find()) {
                recovery = recover(runner, spec, journal, store, r, said);
                assertThat(recovery).as(said + ": following the next step finished the job").isNotEmpty();
            } else {
                recovery = ""; // a verdict the technician acts on by hand, as the same fault's in a fresh run (checked with the docs)
            }
            return new Result(r.outcome, r.summary, r.nextStep == null ? "" : r.nextStep, recovery);
        }

        /**
         * What the technician does on the next step's word: put the job's phone back, restart a hung one (an emergency
         * phone: into 9008 again; a usb-wipe: into its flash app), then run the job again (or resume it). A run again
         * that ends with another "run again" is followed once more: the table marks it ↻2.
         */
        private String recover(JobRunner runner, JobSpec spec, JobJournal journal, RecordStore store, JobRecord failed, String where)
                throws Exception {
            JobRecord last = failed;
            for (int round = 1; round <= 2; round++) {
                if (phone.has(SimFault.DEAD_BATTERY)) {
                    return "";
                }
                UsbDevice device = technician(where);
                String how;
                JobRecord again;
                int attemptsBefore = store.job(last.jobId).map(x -> x.attempts).orElse(0);
                if (last.outcome.equals(Reason.INTERRUPTED.name())) {
                    Job job = journal.load(last.jobId).orElseThrow();
                    JobIdentity found = JobIdentity.of(runner.readPhone(spec, device), device);
                    String w = where;
                    again = runner.resume(job, device, found).orElseThrow(() -> new AssertionError(w + ": resume did nothing"));
                    how = "resume";
                } else {
                    again = runner.runOne(spec, PORT, Optional.of(device));
                    how = "rerun";
                }
                String said = where + " then " + how + " " + round + ": " + again.outcome + ": " + again.summary + " / next: " + again.nextStep;
                assertThat(again.outcome).as(said).isNotNull();
                assertThat(Reason.valueOf(again.outcome)).as(said).isNotEqualTo(Reason.INTERNAL_ERROR);
                JobRecord stored = store.job(again.jobId).orElseThrow();
                assertThat(stored.outcome).as(said + ": store").isEqualTo(again.outcome);
                if (again.outcome.equals("DONE")) {
                    assertDone(said);
                    if (how.equals("resume")) {
                        assertThat(journal.load(last.jobId).orElseThrow().state).as(said + ": resumed job file").isEqualTo(JobState.DONE);
                        assertThat(stored.attempts).as(said + ": resumed record's attempts").isEqualTo(attemptsBefore + 1);
                    }
                    return round == 1 ? "↻" : "↻2";
                }
                if (cell.row().flow().emergency() && again.outcome.equals(Reason.NOT_SUPPORTED_IN_MODE.name())
                        && phone.mode() != Mode.EDL_PBL) {
                    // The write had finished and the phone left 9008 (it restarted): the emergency path has nothing to do.
                    assertDone(said + " (written before the fault; the phone restarted out of 9008)");
                    return "↻ (already written)";
                }
                assertThat(again.nextStep).as(said + ": not done, and no next step to run it again").matches(s -> RUN_AGAIN.matcher(s).find());
                last = again;
                where = said;
            }
            throw new AssertionError(where + ": still not done after running it again twice");
        }

        /** The phone back on its port, unstuck, settled: what the rerun starts with. */
        private UsbDevice technician(String where) throws Exception {
            boolean hung = phone.has(SimFault.STALL);
            phone.clear(SimFault.STALL);
            phone.clear(SimFault.NAK_NEXT);
            phone.clear(SimFault.CORRUPT_NEXT);
            try (PhoneWatcher w = new PhoneWatcher(bus, bus.clock(), PORT)) {
                Optional<SimPhone> there = bus.phoneAt(PORT);
                boolean restart = false;
                if (there.isEmpty() || there.get() != phone) {
                    bus.detach(PORT);
                    restart = true;
                    bus.attach(PORT, phone);
                }
                Mode want = cell.row().flow().start;
                if (cell.row().flow().emergency()) {
                    if (phone.mode() == Mode.EDL_PBL || phone.mode() == Mode.MASS_STORAGE) {
                        // Volume-Down + Power for 10 s: a bricked phone restarts into 9008, with a fresh PBL
                        bus.reenumerate(PORT, Mode.EDL_PBL, Duration.ZERO, Duration.ofMillis(100));
                        restart = true;
                    } else {
                        want = null;
                    }
                } else if (cell.row().flow() == FlowKind.HARD_RESET && (phone.mode() != Mode.UEFI || current == Fault.STALL)) {
                    // usb-wipe's next step: boot it into its flash app (Volume-Up while plugging it in)
                    bus.reenumerate(PORT, Mode.UEFI, Duration.ZERO, Duration.ofMillis(100), p -> p.uefiApp(SimUefiApp.FLASH_APP));
                    restart = true;
                } else if (phone.mode() == Mode.MASS_STORAGE || current == Fault.STALL || (hung && !restart)
                        || (cell.row().flow().hardReset() && cell.row().flow() != FlowKind.HARD_RESET && phone.mode() == Mode.UEFI)) {
                    // (a hung phone put back on the port was restarted while off it: its stall is cleared above)
                    // (a guided hard reset cut by an unplug leaves the simulated phone in its boot manager, the gears
                    // stopped: Volume-Down + Power restarts it into its OS)
                    bus.keyReset(PORT); // Volume-Down + Power: a hung phone restarts
                    restart = true;
                    want = phone.flashingIncomplete() ? Mode.UEFI : Mode.NORMAL;
                } else {
                    want = null; // as it is; the agent starts from whatever mode the phone is in
                }
                if (restart) {
                    w.awaitLeave(Duration.ofSeconds(30), (a, b) -> { });
                }
                Mode m = want;
                return w.awaitArrival(d -> m == null || d.personality().mode() == m, Duration.ofMinutes(15), (a, b) -> { })
                        .orElseThrow(() -> new AssertionError(where + ": the phone is not back on its port for the rerun (" + phone + ")"));
            }
        }

        /** Whether {@code p} ended as the job ends a phone (what {@link #assertDone} checks), as a value. */
        private boolean isDone(SimPhone p) throws Exception {
            try {
                assertDone("", p);
                return true;
            } catch (AssertionError e) {
                return false;
            }
        }

        /** What a finished job leaves on the phone. */
        private void assertDone(String where) throws Exception {
            assertDone(where, phone);
        }

        private void assertDone(String where, SimPhone phone) throws Exception {
            switch (cell.row().flow()) {
                case REFLASH:
                case HARD_RESET_REFLASH:
                case EMERGENCY:
                case EMERGENCY_RAWPROGRAM: // its set is the FFU's raw image, cut in pieces
                case EMERGENCY_LIBRARY:
                    SparseDisk expected = new SparseDisk(phone.disk().sizeBytes());
                    try (FfuFile file = FfuFile.open(ffu())) {
                        file.reconstruct(expected.blockCount(), expected, true, (a, b) -> { });
                    }
                    assertThat(phone.disk().sameContentAs(expected)).as(where + ": the phone's eMMC equals the FFU's raw image").isTrue();
                    assertThat(phone.flashingIncomplete()).as(where).isFalse();
                    break;
                case HARD_RESET:
                case HARD_RESET_SETTINGS:
                case HARD_RESET_KEYS:
                case HARD_RESET_AUTO:
                    assertThat(phone.userDataErased()).as(where + ": user data erased").isTrue();
                    break;
                default:
                    break;
            }
        }

        // ---- the injector: a listener in the job's context ----

        @Override
        public void planned(PortPath port, String flow, List<String> steps) {
        }

        @Override
        public void stepStarted(PortPath port, String step, String description, Duration bound) {
            if (armed && !fired && current != null && step.equals(cell.row().step()) && !cell.row().write()) {
                fire();
            }
        }

        @Override
        public void progress(PortPath port, String step, double fraction, String status) {
            if (armed && !fired && current != null && step.equals(cell.row().step()) && cell.row().write() && fraction >= 0.3 && fraction < 1) {
                fire();
            }
        }

        @Override
        public void stepFinished(PortPath port, String step, boolean ok, String detail) {
            if (armed && fired && step.equals(cell.row().step()) && (phone.clear(SimFault.NAK_NEXT) | phone.clear(SimFault.CORRUPT_NEXT))) {
                oneShotUnused = true;
            }
        }

        /**
         * The person at the phone, with the SimBus calls cli/SimulatedTechnician makes on a simulated bench: when a
         * guided step asks, they enter the hard-reset key sequence, tap Settings → reset, or hold Volume-Down + Power,
         * on whatever phone is on the port. At once, not after a reaction time: a timer racing the fault injected at
         * the next step would make a cell's outcome vary from run to run. What the phone's state does not allow
         * (Settings on a hung phone, keys with no phone on the port) does nothing. They act in the rerun too.
         */
        @Override
        public void actionRequired(PortPath port, String step, List<String> instructions) {
            actions.incrementAndGet();
            try {
                if (HardResetFlow.GUIDED_KEYS.equals(step)) {
                    bus.keyHardReset(port);
                } else if (HardResetFlow.SETTINGS_RESET.equals(step)) {
                    bus.settingsReset(port);
                } else {
                    bus.keyReset(port);
                }
            } catch (RuntimeException e) {
                // could not do it: the phone is not there, or not running a usable OS
            }
        }

        private void fire() {
            fired = true;
            switch (current) {
                case STALL:
                    phone.inject(SimFault.STALL);
                    break;
                case NAK:
                    phone.inject(SimFault.NAK_NEXT);
                    break;
                case CORRUPT:
                    phone.inject(SimFault.CORRUPT_NEXT);
                    break;
                case CABLE_PULL:
                    bus.detach(PORT);
                    break;
                case WRONG_MODE:
                    synchronized (bus) { // the bus's own lock: the phone cannot arrive between the look and the act
                        boolean back = bus.devices().stream().anyMatch(d -> d.port().equals(PORT) && d.personality().mode() == cell.row().mode());
                        if (cell.row().step().startsWith("Await") && !(back && !cell.row().step().endsWith("Leave"))) {
                            bus.nextArrivalAs(PORT, Mode.MASS_STORAGE); // it comes back, but as another personality
                        } else {
                            bus.restartNow(PORT, Mode.MASS_STORAGE, Duration.ofMillis(100), p -> { });
                        }
                    }
                    break;
                case OTHER_PHONE:
                    bus.detach(PORT);
                    other = phone(cell.row().flow(), OTHER_IMEI, "SNB", cell.row().mode());
                    bus.attach(PORT, other);
                    break;
                case DEAD_BATTERY:
                    bus.batteryDies(PORT);
                    break;
                case AGENT_KILLED:
                    Thread.currentThread().interrupt(); // how Ctrl-C ends a job: the runner's thread is interrupted
                    break;
                default:
                    throw new IllegalStateException(current.name());
            }
        }
    }

    // ---- the docs ----

    static String markdown(Map<String, Result> results) {
        StringBuilder md = new StringBuilder();
        md.append(BEGIN).append('\n');
        md.append("## The fault matrix\n\n");
        md.append("Generated by `FaultMatrixTest` (src/test/java/dev/lumiaagent/flow/FaultMatrixTest.java); do not edit by hand. "
                + "Regenerate with `mvn -B test -Dtest=FaultMatrixTest -Dfault.matrix.write=true`.\n\n");
        md.append("Each flow runs through `JobRunner` (job file + SQLite record) on a simulated ").append(MODEL)
                .append(" with a ").append(FFU_BYTES >> 20).append(" MiB demo FFU, the bus clock ×").append(SCALE)
                .append(". A listener arms the fault when the step starts (a write step: at 30 %); *wrong mode* in a step that awaits the phone makes it come back as mass storage (05C6:9006), elsewhere it restarts into it at once. Each cell is the outcome (`Reason`); "
                        + "**↻** means its next step said to run the job again (or resume it), which the test did on the same phone, "
                        + "and that finished it (at most twice: a run again that ended with another such next step was followed once more) (for reflash and emergency: the eMMC equals the FFU's raw image). An emergency flash whose "
                        + "write had completed before the fault counts as finished when running it again finds the phone restarted out of 9008 "
                        + "with the image on its eMMC. A DONE cell was checked on the phone (the image on the eMMC, the data erased). A failure "
                        + "without ↻ is a verdict the technician acts on by hand (charge the battery, restart the phone by keys, put the job's "
                        + "phone back). In the guided flows a simulated technician does what the instructions say (the key sequence, "
                        + "Settings → reset, Volume-Down + Power) on the phone on the port, at once; a *hung* phone enumerates in normal mode "
                        + "and answers nothing. *n/a* cells cannot "
                        + "happen; why is listed under the table. The emergency --rawprogram row writes the FFU's raw image cut into "
                        + "rawprogram entries (four, without patches), so the same check holds; the firmware-library row finds the "
                        + "programmer and FFU in a library laid out as `simulate firmware` writes it.\n\n");
        long run = results.keySet().stream().filter(k -> !k.endsWith("/baseline") && !k.contains("+then_")).count();
        long impossible = 0;
        for (StepRow s : STEPS) {
            for (Fault f : Fault.values()) {
                if (impossible(s, f) != null) {
                    impossible++;
                }
            }
        }
        md.append("Cells run: ").append(run).append("; cells that cannot happen: ").append(impossible).append(".\n");
        for (FlowKind flow : FlowKind.values()) {
            md.append("\n### ").append(flow.label).append(" (from ").append(flow.start.label()).append(")\n\n");
            md.append("| step |");
            for (Fault f : Fault.values()) {
                md.append(' ').append(f.label).append(" |");
            }
            md.append("\n|---|");
            for (Fault f : Fault.values()) {
                md.append("---|");
            }
            md.append('\n');
            Map<String, String> why = new LinkedHashMap<>();
            for (StepRow s : STEPS.stream().filter(x -> x.flow() == flow).toList()) {
                md.append("| ").append(s.step()).append(" |");
                for (Fault f : Fault.values()) {
                    String reason = impossible(s, f);
                    if (reason != null) {
                        why.computeIfAbsent(reason, k -> "").length();
                        why.merge(reason, s.step() + " × " + f.label, (a, b) -> a.isEmpty() ? b : a + ", " + b);
                        md.append(" n/a |");
                        continue;
                    }
                    Result r = results.get(new Cell(s, f).id());
                    String racyText = RACY.get(new Cell(s, f).id());
                    if (racyText != null && r != null) {
                        String got = r.outcome() + (r.recovery().startsWith("↻") ? " ↻" : "");
                        if (!racyText.contains(got)) {
                            throw new AssertionError(new Cell(s, f).id() + " ended " + got + ", not one of the race's outcomes: " + racyText);
                        }
                        why.merge(f == Fault.OTHER_PHONE ? "the swap races the phone leaving for its reset: the agent sees either first"
                                : "the phone restarts by itself after the write and may be back before the fault lands (then DONE is right)",
                                s.step() + " × " + f.label, (a, b) -> a + ", " + b);
                        md.append(' ').append(racyText).append(" |");
                        continue;
                    }
                    md.append(' ').append(r == null ? "(not run)" : r.outcome() + (r.recovery().startsWith("↻") ? " ↻" : "")).append(" |");
                }
                md.append('\n');
            }
            List<String> known = KNOWN.keySet().stream().filter(k -> k.startsWith(flow.name().toLowerCase(Locale.ROOT) + "/")).sorted().toList();
            if (!why.isEmpty() || !known.isEmpty()) {
                md.append('\n');
                why.forEach((reason, where) -> md.append(reason.startsWith("the phone restarts") || reason.startsWith("the swap races") ? "- either outcome: " : "- n/a: ")
                        .append(where).append(": ").append(reason).append(".\n"));
                for (String k : known) {
                    String[] parts = k.split("/");
                    md.append("- known limit, ").append(parts[1]).append(" × ").append(Fault.valueOf(parts[2].toUpperCase(Locale.ROOT)).label)
                            .append(": ").append(KNOWN.get(k).why()).append(".\n");
                }
            }
        }
        md.append("\n### Faults during a resumed run\n\n");
        md.append("The agent is killed in each flow's write (at 30 %); the technician puts the phone back as after any kill and runs "
                + "`resume`, and a second fault hits the resumed run's write (at 30 % again). Each cell is the resumed run's outcome, "
                + "with the same job's file and record agreeing (its second run, its record's second attempt); **↻** means its next "
                + "step said to run the job again (or resume it), which the test did, and that finished it (the eMMC equals the FFU's "
                + "raw image); ✓: the resumed run itself finished. Cells run: ")
                .append(results.keySet().stream().filter(k -> k.contains("+then_")).count()).append(".\n\n");
        md.append("| killed in |");
        for (Fault f : IN_RESUMED_RUN) {
            md.append(" then ").append(f.label).append(" |");
        }
        md.append("\n|---|");
        IN_RESUMED_RUN.forEach(f -> md.append("---|"));
        md.append('\n');
        for (StepRow s : STEPS.stream().filter(StepRow::write).toList()) {
            md.append("| ").append(s.flow().label).append(": ").append(s.step()).append(" |");
            for (Fault f : IN_RESUMED_RUN) {
                Result r = results.get(new Cell(s, Fault.AGENT_KILLED, f).id());
                md.append(' ').append(r == null ? "(not run)" : r.outcome() + (r.recovery().startsWith("↻") ? " ↻" : " " + r.recovery()))
                        .append(" |");
            }
            md.append('\n');
        }
        md.append("\n### What the matrix found and what it leaves out\n\n");
        md.append("Fixed where the matrix found them (each commit says which cells): a 9008 loader that answers nothing was "
                + "\"failed unexpectedly\" (INTERNAL_ERROR) instead of PHONE_NOT_ANSWERING; an emergency job killed after its write, with "
                + "the phone back in its boot manager, could not be resumed (\"not in 9008\", then an exception reading its identity); a "
                + "battery dying mid-job was PHONE_LEFT \"check the cable\" (now BATTERY_DEAD, the charge next step), and the job file kept "
                + "the flow's outcome when the runner changed it; a pulled cable or a dead battery while a hard reset ran was called the "
                + "reset-loop bug; the simulator answered nak-next in Firehose with a Sahara packet; the guided soft reset of a hung "
                + "phone replanned without the ReadIdentity step it had run, so the job file's plan missed a step its steps list; the simulator let a phone with a dead battery run a key "
                + "reset, so a dead battery before a guided key step ended DONE; a hard reset by reflash replanned to the reflash's own "
                + "steps, so the job file's plan missed the ReadPhone and ChooseMethod steps it had run (and named the run's flow "
                + "reflash); a NOKU to an FFU payload block mid-write read as UNSUPPORTED_COMMAND (\"this flash app does not take this "
                + "FFU protocol\") though the same app had taken the header and the blocks before it (now PROTOCOL_DESYNC, run it "
                + "again); a reflash's AwaitLeave after NOKR was answered by the phone's earlier leave into the flash app, so a flash "
                + "app that took NOKR and hung waited out the whole first-boot bound and read RETURNED_IN_WRONG_MODE (now "
                + "PHONE_DID_NOT_LEAVE within the restart's 60 s, naming the key restart; found by a CI flake on 2026-12-04 whose other "
                + "half was the simulator's: a firmware's late NOKR restarted the phone plugged into its port since); a hard reset whose "
                + "phone was in the mode its method works from but hung at ReadPhone read NOT_SUPPORTED_IN_MODE (\"usb-wipe needs the "
                + "phone in its UEFI flash app; it is in UEFI\"), now PHONE_NOT_ANSWERING with the restart to do.\n\n");
        md.append("Weak spots still visible above: a Firehose programmer left running after a pulled cable is silent, taken for a "
                + "consumed Sahara HELLO, and needs a power cycle before the run again (a Firehose NOP probe would spare it); a refused "
                + "NOKR is not read, so it shows only as the phone not restarting; in a hard reset any non-normal arrival while waiting "
                + "counts as a reset restart, so another phone or mass storage reads as RESET_NEVER_FINISHED; a hung phone's guided reset cannot tell a phone swapped in (the known "
                + "limits under its tables: it told nothing of itself, and a differing USB serial proves nothing), so the swapped phone "
                + "is reset and the job DONE, and one swapped in during the gears is called reset though it was not (no certificate "
                + "claims it: a key reset's certificate needs the same-phone check passed, and a phone that told nothing fails it).\n\n");
        md.append("Not covered here: a fault in a resume that finishes a job after its write (AfterWriteFlow's steps run only as "
                + "the resume of the kill cells; the resumed-run cells above fault a resumed write), or in a resumed run's other steps; "
                + "hard reset auto with an FFU at hand (it chooses the reflash of the --method reflash table), auto choosing settings "
                + "or usb-wipe (auto runs here only on a hung "
                + "phone, where it chooses keys), the guided soft reset of a phone not on the port or in 9008 (only of a hung one); a "
                + "technician who does not do the guided step, or does it late (the simulated one acts at once: "
                + "SoftResetFlowTest/HardResetFlowTest cover keys never pressed); a factory reset cut by a pulled cable (the simulator "
                + "stops it and leaves the phone in its boot manager, where a real phone runs on; the test restarts it by keys) and "
                + "the reset-loop bug (RESET_NEVER_FINISHES: HardResetFlowTest); storage that reads back other bytes than were "
                + "written (READBACK_MISMATCH at VerifyImage: the bad-emmc-block fault, EvidenceTest); a rawprogram set with patches (the matrix's set is the FFU's "
                + "raw image in pieces, without patches); serial (stream) links; faults before the first step (a "
                + "phone attached with a dead battery: BenchTest); batch, station and retries above 0 (the same runner, tested "
                + "elsewhere); another phone model (one RM-1104).\n");
        md.append(END).append('\n');
        return md.toString();
    }

    /** The matrix section of the docs file, markers included; empty when there is none. */
    static String section(String docs) {
        int b = docs.indexOf(BEGIN);
        int e = docs.indexOf(END);
        if (b < 0 || e < b) {
            return "";
        }
        return docs.substring(b, e + END.length()) + "\n";
    }

    /** Writes (or replaces) the matrix section, leaving the rest of the file (another section, a title) as it is. */
    static void writeSection(Path docs, String table) throws java.io.IOException {
        String text = Files.exists(docs) ? Files.readString(docs, StandardCharsets.UTF_8) : "# Reliability\n\n";
        int b = text.indexOf(BEGIN);
        int e = text.indexOf(END);
        String updated;
        if (b >= 0 && e > b) {
            int after = e + END.length();
            if (after < text.length() && text.charAt(after) == '\n') {
                after++;
            }
            updated = text.substring(0, b) + table + text.substring(after);
        } else {
            updated = text + (text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n") + table;
        }
        Files.writeString(docs, updated, StandardCharsets.UTF_8);
    }

    /** Collected for the report: cells by outcome. */
    static Map<String, Long> tally(Map<String, Result> results) {
        return results.values().stream().collect(Collectors.groupingBy(Result::outcome, LinkedHashMap::new, Collectors.counting()));
    }
}
