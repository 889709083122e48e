package dev.lumiaagent.bench;

import dev.lumiaagent.device.DeviceInfo;
import dev.lumiaagent.flow.FlowRunner;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.UsbDevice;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the bench runs on every phone: one of the single-phone flows (info, soft reset, hard reset,
 * reflash, emergency), prepared per phone from the mode it is in and what it is.
 */
public interface BenchJob {

    /** The command name, as on the command line and in job files: {@code reflash}, {@code soft-reset}… */
    String command();

    /** The parameters recorded in each job file, so that {@code resume} can run the job again. */
    Map<String, List<String>> params();

    /**
     * Why this job cannot start on a phone in this personality (it is left alone and counted as
     * skipped), or empty when it can. A phone in a mode the flow itself refuses with a reason a
     * technician must see (a dead battery) is not skipped: its job runs and fails with that reason.
     */
    Optional<String> cannotStartOn(UsbDevice device);

    /** False for jobs meant for phones that may not answer at all (soft reset): only the bus identity is taken. */
    default boolean readsPhoneFirst() {
        return true;
    }

    /**
     * The flow for this phone now, from the mode it is in and what was read from it.
     *
     * @throws NothingToRun the job has nothing for this phone (no FFU for its product type): a skip
     */
    Prepared prepare(Bus bus, UsbDevice device, DeviceInfo info) throws NothingToRun, NotReady;

    /** A flow ready to run on one phone, with the firmware it uses (for the record) and what to close after. */
    record Prepared(FlowRunner.Flow flow, Optional<FirmwareFiles.Checked> firmware, AutoCloseable resources) {
        public static Prepared of(FlowRunner.Flow flow) {
            return new Prepared(flow, Optional.empty(), () -> { });
        }
    }

    /**
     * The phone cannot have the job now for a reason of its own that a technician must act on (a dead
     * battery): the job fails with that outcome without a flow being run.
     */
    final class NotReady extends Exception {
        private final dev.lumiaagent.flow.Outcome outcome;

        public NotReady(dev.lumiaagent.flow.Outcome outcome) {
            super(outcome.summary());
            this.outcome = outcome;
        }

        public dev.lumiaagent.flow.Outcome outcome() {
            return outcome;
        }
    }

    /** The job has nothing to run on this phone; the message says why and what would make it possible. */
    final class NothingToRun extends Exception {
        public NothingToRun(String message) {
            super(message);
        }
    }
}
