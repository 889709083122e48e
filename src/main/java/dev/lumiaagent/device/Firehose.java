package dev.lumiaagent.device;

import dev.lumiaagent.protocol.firehose.FirehoseConfiguration;
import dev.lumiaagent.protocol.firehose.FirehosePatch;
import dev.lumiaagent.protocol.firehose.FirehoseProgram;
import dev.lumiaagent.protocol.firehose.FirehoseRead;
import dev.lumiaagent.protocol.firehose.FirehoseReset;
import dev.lumiaagent.protocol.firehose.FirehoseResponse;
import dev.lumiaagent.protocol.firehose.FirehoseResult;
import dev.lumiaagent.protocol.firehose.FirehoseSession;
import dev.lumiaagent.protocol.firehose.FirehoseStorageInfo;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * The Firehose programmer running on an {@link EdlPhone} (edl-protocol.md §3–§4): configure, read the
 * storage, program, read back, patch, power reset. Got from {@link EdlPhone#firehose()}; it talks on that
 * phone's channel and is valid while the phone is open. A NAK is a value the flow decides on.
 */
public final class Firehose {
    private final FirehoseSession session;

    Firehose(FirehoseSession session) {
        this.session = session;
    }

    /** {@code <configure>}: the storage type and the largest payload the host wants to send. */
    public FirehoseResult<FirehoseConfiguration> configure(String memoryName, long maxPayloadToTarget) {
        return session.configure(memoryName, maxPayloadToTarget);
    }

    /** {@code <getstorageinfo>} of one physical partition. */
    public FirehoseResult<FirehoseStorageInfo> getStorageInfo(int partition) {
        return session.getStorageInfo(partition);
    }

    /** The sector size the programmer works in (512 until configured otherwise). */
    public int sectorSize() {
        return session.sectorSize();
    }

    /** {@code <program>}: {@code sectors} sectors at {@code startSector}, streamed from {@code source}. */
    public FirehoseResult<Long> program(long startSector, long sectors, int partition, ReadableByteChannel source) {
        return session.program(startSector, sectors, partition, source);
    }

    /** {@code <program>} as a rawprogram line gives it, streamed from {@code source}. */
    public FirehoseResult<Long> program(FirehoseProgram command, ReadableByteChannel source) {
        return session.program(command, source);
    }

    /** {@code <read>}: {@code command}'s sectors, streamed into {@code sink} (edl-protocol.md §3.4, §3.5). */
    public FirehoseResult<Long> read(FirehoseRead command, WritableByteChannel sink) {
        return session.read(command, sink);
    }

    /** {@code <patch>}: one patch line aimed at the storage. */
    public FirehoseResponse patch(FirehosePatch patch) {
        return session.patch(patch);
    }

    /** {@code <power value="reset">}: the phone restarts and leaves the bus. */
    public FirehoseResult<FirehoseReset> powerReset() {
        return session.powerReset();
    }
}
