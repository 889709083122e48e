package dev.lumiaagent.job;

import dev.lumiaagent.flow.FlowListener;
import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;

/**
 * Everything a bench reports: the flow events of every phone (tagged by port) and the bench's own —
 * a phone queued, a job started, a retry, a job finished (after its record is durable), a phone left
 * alone. The live view and the tests are listeners. Listeners must not block; one that throws is
 * logged and ignored.
 */
public interface JobListener extends FlowListener {

    /** A line about the run as a whole (a firmware file being checked, the run stopping). */
    default void note(String line) {
    }

    /** The phone waits for a free worker (the concurrency cap is reached). */
    default void queued(UsbDevice device) {
    }

    /** A job started on the port; {@code record} holds what is known of the phone. */
    default void jobStarted(PortPath port, JobRecord record) {
    }

    /** Attempt {@code attempt} failed with a reason that is safe to retry after re-checking the phone. */
    default void retrying(PortPath port, int attempt, int attempts, Outcome failed) {
    }

    /** The job ended; its record was saved before this call. */
    default void jobFinished(PortPath port, JobRecord record) {
    }

    /** Station mode: a phone that attached was not given the job, and why. */
    default void leftAlone(UsbDevice device, String why) {
    }
}
