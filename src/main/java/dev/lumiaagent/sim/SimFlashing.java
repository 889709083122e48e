package dev.lumiaagent.sim;

import dev.lumiaagent.image.ffu.FfuFormatException;
import dev.lumiaagent.image.ffu.FfuImage;
import dev.lumiaagent.image.ffu.FfuParser;
import dev.lumiaagent.image.ffu.FfuUnsupportedException;
import dev.lumiaagent.image.ffu.PayloadPlacer;
import dev.lumiaagent.protocol.flashapp.FlashOption;
import dev.lumiaagent.protocol.flashapp.NokRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;

/**
 * The simulated flash app's FFU flash (lumia-protocols.md §4): the header message first (else
 * 0x1004), its platform ID checked against the phone's (0x1304), then payload messages in whole
 * chunks (0x1005) whose every block is checked against the hash table (0x1003) and written to the
 * phone's eMMC at the descriptor locations; too much payload is 0x100B. The flashing flag is set
 * when a header is accepted and cleared only after the last block, so an interrupted flash leaves
 * the phone booting into the flash app. A model with a write limit (the Lumia 520: 5 MB/s,
 * users-and-peers.md P5) fails with 0x0004 when the host writes faster, as the real phone corrupts.
 */
final class SimFlashing {
    static final int OK = 0;
    static final int FLASH_WRITE_FAILED = 0x0004;
    static final int HEADER_IMPORT_FAIL = 0x1002;
    static final int HASH_MISMATCH = 0x1003;
    static final int NO_HEADER = 0x1004;
    static final int WRONG_CHUNK_SIZE = 0x1005;
    static final int TOO_MUCH_PAYLOAD = 0x100B;
    static final int PLATFORM_ID = 0x1304;
    static final int INVALID_PARAMETER = 0x0008;

    private final SimPhone phone;
    private FfuImage image;
    private PayloadPlacer placer;
    /** Payload messages of the last second (bench clock), for the write-limit check. */
    private final java.util.ArrayDeque<SimPayloadArrival> window = new java.util.ArrayDeque<>();
    private long windowBytes;
    /** Every payload message since recording was asked for (tests). */
    private final java.util.List<SimPayloadArrival> arrivals = new java.util.ArrayList<>();
    private boolean recordArrivals;
    private long payloadBytesSeen;
    private long slowReplyAfterBytes = -1;
    private Duration slowReplyDelay = Duration.ZERO;
    private Duration pendingReplyDelay = Duration.ZERO;
    /** With a write rate: when the eMMC will have written all it was given (bus clock); null when idle. */
    private Instant emmcFreeAt;

    SimFlashing(SimPhone phone) {
        this.phone = phone;
    }

    /** Handles a header message; returns the status for the reply. */
    synchronized int header(NokRequest.NokFlashHeader h, Instant now) {
        ByteBuffer data = h.data();
        FfuImage parsed;
        try {
            parsed = FfuParser.parseCombinedHeader(data);
        } catch (FfuUnsupportedException e) {
            return INVALID_PARAMETER;
        } catch (FfuFormatException e) {
            SimLog.LOG.debug("{}: FFU header refused: {}", phone, e.getMessage());
            return HEADER_IMPORT_FAIL;
        }
        if (!h.options().contains(FlashOption.SKIP_ID_CHECK) && !parsed.platformMatches(phone.model().platformId())) {
            return PLATFORM_ID;
        }
        image = parsed;
        placer = new PayloadPlacer(parsed, phone.disk().blockCount(), phone.emmc(),
                phone.verifyBlocks() && !h.options().contains(FlashOption.SKIP_HASH_CHECK));
        phone.flashingIncomplete(true);
        window.clear();
        windowBytes = 0;
        return OK;
    }

    /** Handles one payload message; returns the status for the reply. */
    synchronized int payload(NokRequest.NokFlashPayload p, Instant now) {
        if (placer == null) {
            return NO_HEADER;
        }
        ByteBuffer data = p.data();
        if (data.remaining() == 0 || data.remaining() % image.chunkSize() != 0) {
            return WRONG_CHUNK_SIZE;
        }
        if (recordArrivals) {
            arrivals.add(new SimPayloadArrival(now, data.remaining()));
        }
        payloadBytesSeen += data.remaining();
        if (slowReplyAfterBytes >= 0 && payloadBytesSeen >= slowReplyAfterBytes) {
            slowReplyAfterBytes = -1;
            pendingReplyDelay = slowReplyDelay;
        }
        if (tooFast(data.remaining(), now)) {
            placer = null; // the write went wrong on the eMMC; the flash must start over
            return FLASH_WRITE_FAILED;
        }
        int bytes = data.remaining();
        PayloadPlacer.Status s;
        try {
            s = placer.accept(data);
            if (s == PayloadPlacer.Status.NEED_MORE || s == PayloadPlacer.Status.COMPLETE) {
                emmcTakes(bytes, now);
            }
        } catch (IOException e) {
            placer = null;
            return FLASH_WRITE_FAILED;
        }
        switch (s) {
            case NEED_MORE:
                return OK;
            case COMPLETE:
                phone.flashingIncomplete(false);
                phone.flashCompleted();
                placer = null;
                return OK;
            case HASH_MISMATCH:
                placer = null;
                return HASH_MISMATCH;
            case TOO_MUCH_PAYLOAD:
                placer = null;
                return TOO_MUCH_PAYLOAD;
            default:
                placer = null;
                return FLASH_WRITE_FAILED;
        }
    }

    /**
     * A phone with a write rate: the eMMC starts on {@code bytes} when it is done with what it had
     * (or now, if it was idle) and takes {@code bytes / rate} over them.
     */
    private void emmcTakes(int bytes, Instant now) {
        int rateKiBs = phone.writeRateKiBs();
        if (rateKiBs <= 0) {
            emmcFreeAt = null;
            return;
        }
        Instant start = emmcFreeAt == null || emmcFreeAt.isBefore(now) ? now : emmcFreeAt;
        emmcFreeAt = start.plusNanos((long) (bytes * 1e9 / (rateKiBs * 1024.0)));
    }

    /** How long the eMMC still writes what it was given, from {@code now} (zero without a write rate). */
    synchronized Duration emmcBusy(Instant now) {
        return emmcFreeAt == null || !emmcFreeAt.isAfter(now) ? Duration.ZERO : Duration.between(now, emmcFreeAt);
    }

    /**
     * True when the host exceeds the model's write limit within any one second (bench time), measured
     * over a window that slides with every message, so a host that catches up after a pause is seen
     * as the phone would feel it. Assumed: the real threshold is not documented beyond "5 MB/s" (P5) and
     * no capture shows a 520 failing, so the one-second window, the 10 % slack for a message's arrival jitter
     * and the 0x0004 status it fails with are this simulator's choices (docs/personalities.md).
     */
    private boolean tooFast(int bytes, Instant now) {
        int limitKiBs = phone.model().writeLimitKiBs();
        if (limitKiBs <= 0 || !phone.writeLimitEnforced()) {
            return false;
        }
        Instant since = now.minusSeconds(1);
        while (!window.isEmpty() && !window.peekFirst().at().isAfter(since)) {
            windowBytes -= window.removeFirst().bytes();
        }
        window.addLast(new SimPayloadArrival(now, bytes));
        windowBytes += bytes;
        return windowBytes > limitKiBs * 1024.0 * 1.10;
    }

    synchronized java.util.List<SimPayloadArrival> arrivals() {
        return java.util.List.copyOf(arrivals);
    }

    synchronized void recordArrivals(boolean record) {
        this.recordArrivals = record;
    }

    /** The next payload reply after {@code afterBytes} of payload is held back by {@code delay} (once). */
    synchronized void slowReplyOnce(long afterBytes, Duration delay) {
        this.slowReplyAfterBytes = afterBytes;
        this.slowReplyDelay = delay;
    }

    /** How long to hold back the reply to the message just handled (zero but once, when asked for). */
    synchronized Duration takeReplyDelay() {
        Duration d = pendingReplyDelay;
        pendingReplyDelay = Duration.ZERO;
        return d;
    }
}
