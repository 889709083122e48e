package dev.lumiaagent.protocol.flashapp;

import dev.lumiaagent.protocol.flashapp.NokRequest.NokContextSwitch;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokContinueBoot;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokDisableTimeout;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokErasePartition;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokFlashHeader;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokFlashPayload;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokFlashRequest;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokHello;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokInfoQuery;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokMassStorage;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokPhoneInfoQuery;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokReadParam;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokReboot;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokRebootToFlash;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokRebootToPhoneInfo;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokShutdown;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokWriteParam;
import dev.lumiaagent.protocol.wire.ProtocolException;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.time.Deadline;
import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.TransferTimeout;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks {@code NOK*} to a UEFI app (boot manager, flash app, phone-info app) over one {@link Link}.
 * Every wait is bounded. On packet links one read is one reply; on stream links replies are cut from
 * a push-back buffer by signature and length fields ({@link NokCodec#replyLength}). The session
 * does not own the link. Not thread-safe: one caller at a time, as the phone answers one command at a time.
 */
public final class NokSession {
    private static final Logger LOG = LoggerFactory.getLogger(NokSession.class);

    /** LSU waits 5 s for a UEFI reply (lumia-protocols.md §5). */
    public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofSeconds(5);
    /** How long "no reply = success" commands ({@code NOKM}, {@code NOKZ}) wait for a refusal. */
    public static final Duration DEFAULT_SILENCE_WINDOW = Duration.ofSeconds(1);
    /**
     * Bound on one {@code NOKXFS} message, sending it and reading its reply: lp-externals waits 60 s
     * per flash message (lumia-protocols.md §4.2, §5); WPinternals waits forever, which we never do.
     */
    public static final Duration DEFAULT_FLASH_TIMEOUT = Duration.ofSeconds(60);

    private final Link link;
    private final Duration replyTimeout;
    private final Duration silenceWindow;
    private final Duration flashTimeout;
    /**
     * The bytes of a payload message before its data (0x1C for v1, 0x20 for v2, §4.2), rewritten for
     * every message. The data is not copied into a send buffer: the head and a read-only view of the
     * caller's chunk go to the link as one message by a gathering write.
     */
    private final ByteBuffer payloadHead = ByteBuffer.allocate(
            Math.max(NokFlashLayout.PAYLOAD_V1.dataOffset(), NokFlashLayout.PAYLOAD_V2.dataOffset()));
    /** Receives one transfer on packet links; reused so a long flash reads its replies without a 64 KiB allocation each. */
    private final ByteBuffer transferBuffer = ByteBuffer.allocate(NokCodec.MAX_REPLY);
    private final byte[] pending = new byte[NokCodec.MAX_REPLY];
    private int pendingLength;
    /**
     * Write-only commands sent since the last reply. Each may still produce one answer — an echo
     * (lp-externals saw NOKR echoed, §3.1) or NOKU (an app without the command, e.g. PhoneInfoApp and
     * NOKR, §3.7) — which arrives before the next command's reply and is skipped.
     */
    private final Deque<String> writeOnlyPending = new ArrayDeque<>();
    /** The app the last NOKV named, if any. */
    private NokApp lastApp;

    public NokSession(Link link) {
        this(link, DEFAULT_REPLY_TIMEOUT, DEFAULT_SILENCE_WINDOW);
    }

    public NokSession(Link link, Duration replyTimeout, Duration silenceWindow) {
        this(link, replyTimeout, silenceWindow, DEFAULT_FLASH_TIMEOUT);
    }

    /** @param flashTimeout bound on each {@code NOKXFS} message: its write plus its reply */
    public NokSession(Link link, Duration replyTimeout, Duration silenceWindow, Duration flashTimeout) {
        this.link = Objects.requireNonNull(link, "link");
        this.replyTimeout = positive(replyTimeout, "reply timeout");
        this.silenceWindow = positive(silenceWindow, "silence window");
        this.flashTimeout = positive(flashTimeout, "flash timeout");
    }

    private static Duration positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
        return d;
    }

    public Link link() {
        return link;
    }

    public Duration flashTimeout() {
        return flashTimeout;
    }

    /** {@code NOKV}: which app runs, its versions and capabilities (§3.3). */
    public NokvReply readInfo(Duration timeout) {
        NokReply reply = exchange(new NokInfoQuery(), positive(timeout, "timeout"));
        if (reply instanceof NokvReply) {
            lastApp = ((NokvReply) reply).app();
            return (NokvReply) reply;
        }
        if (reply instanceof NokUnknown) {
            throw new NokRefused("NOKV", null);
        }
        throw unexpected("NOKV", reply);
    }

    /** {@code NOKI}: hello; the phone echoes {@code NOKI}. */
    public void hello() {
        expectEcho(new NokHello());
    }

    /** {@code NOKD}: stops the app's reboot timeout; the phone echoes {@code NOKD}. */
    public void keepAlive() {
        expectEcho(new NokDisableTimeout());
    }

    /** {@code NOKXFR}: reads one flash-app parameter. A refusal or {@code NOKU} is a result, not an exception. */
    public NokResult<NokParamReply> readParam(String name) {
        NokReadParam request = new NokReadParam(name);
        String command = "NOKXFR " + name;
        NokReply reply = exchange(request, replyTimeout);
        if (reply instanceof NokUnknown) {
            return new NokResult.Unsupported<>(command);
        }
        if (reply instanceof NokParamReply) {
            NokParamReply p = (NokParamReply) reply;
            if (!p.name().equals(name)) {
                throw new ProtocolException(command + " answered for parameter " + p.name());
            }
            return p.status() == 0 ? new NokResult.Ok<>(command, p) : new NokResult.Refused<>(command, p.statusEntry());
        }
        if (reply instanceof NokStatusReply && reply.signature().equals("NOKXFR")) {
            NokStatusReply s = (NokStatusReply) reply;
            if (s.ok()) {
                throw new ProtocolException(command + " answered status 0 without a value");
            }
            return new NokResult.Refused<>(command, s.status());
        }
        throw unexpected(command, reply);
    }

    public NokResult<NokParamReply> readParam(NokParam param) {
        return readParam(param.wireName());
    }

    /** {@code NOKXFW}: writes a flash-app parameter, e.g. {@code UBF} (§3.4). */
    public NokResult<NokAck> writeParam(String name, byte[] data) {
        return statusCommand(new NokWriteParam(name, data), "NOKXFW " + name);
    }

    /** {@code NOKXPH}: a phone-info app v2 value ({@code TYPE}, {@code CTR}, {@code IMEI}). */
    public NokResult<String> phoneInfo(String name) {
        String command = "NOKXPH " + name;
        NokReply reply = exchange(new NokPhoneInfoQuery(name), replyTimeout);
        if (reply instanceof NokUnknown) {
            return new NokResult.Unsupported<>(command);
        }
        if (reply instanceof NokPhoneInfoReply) {
            return new NokResult.Ok<>(command, ((NokPhoneInfoReply) reply).value());
        }
        throw unexpected(command, reply);
    }

    /**
     * {@code NOKR}: reboot. Write-only: no reply is awaited; a later echo is skipped (§3.1).
     *
     * @throws IllegalStateException when the last {@code NOKV} named the phone-info app, which
     *     rejects NOKR (§3.7): send {@link #continueBoot()} and reset from the next app
     */
    public void reboot() {
        if (lastApp == NokApp.PHONE_INFO) {
            throw new IllegalStateException("the phone-info app rejects NOKR: "
                    + "continue the boot with NOKA, then reset from the app that follows");
        }
        sendWriteOnly(new NokReboot());
    }

    /** {@code NOKS}: boot manager → flash app by a real reboot (the phone charges). Write-only. */
    public void rebootToFlash() {
        sendWriteOnly(new NokRebootToFlash());
    }

    /** {@code NOKP}: reboot into the phone-info app (legacy). Write-only. */
    public void rebootToPhoneInfo() {
        sendWriteOnly(new NokRebootToPhoneInfo());
    }

    /** {@code NOKA}: continue booting (boot manager, phone-info app). Write-only. */
    public void continueBoot() {
        sendWriteOnly(new NokContinueBoot());
    }

    /**
     * {@code NOKXCB}+letter: v2 context switch; answered by a status. For targets that leave the
     * UEFI apps (Windows, EDL, reset, mass storage) the phone may leave the bus soon after; a
     * {@link DeviceGone} before the status arrives propagates, and the caller re-detects.
     */
    public NokResult<NokAck> switchTo(NokSwitchTarget target) {
        NokResult<NokAck> result = statusCommand(new NokContextSwitch(target), "NOKXCB" + target.letter());
        if (result.isOk()) {
            lastApp = target == NokSwitchTarget.FLASH_APP ? NokApp.FLASH_APP
                    : target == NokSwitchTarget.BOOT_MANAGER ? NokApp.BOOT_MANAGER
                    : target == NokSwitchTarget.PHONE_INFO ? NokApp.PHONE_INFO : null;
        }
        return result;
    }

    /**
     * {@code NOKM}: reboot to mass storage. In the flash app no reply means success (§3.2): silence
     * for the silence window, or the phone leaving the bus, is an {@link NokResult.Ok}.
     */
    public NokResult<NokAck> toMassStorage() {
        return silentCommand(new NokMassStorage());
    }

    /** {@code NOKZ}: shut down; treated like {@code NOKM} (no documented reply layout, §9). */
    public NokResult<NokAck> powerOff() {
        return silentCommand(new NokShutdown());
    }

    /** {@code NOKXFP}: erases a partition; "Data" is always allowed, others need authentication (§3.2). */
    public NokResult<NokAck> erasePartition(String name) {
        return statusCommand(new NokErasePartition(name), "NOKXFP " + name);
    }

    /** {@code NOKXFR FS}: whether an FFU flash is incomplete (§3.4); a refusal or NOKU is a result. */
    public NokResult<NokParamValue.FlashingStatus> readFlashingStatus() {
        NokResult<NokParamReply> r = readParam(NokParam.FS);
        if (r instanceof NokResult.Ok) {
            return new NokResult.Ok<>(r.command(), ((NokResult.Ok<NokParamReply>) r).value().flashingStatus());
        }
        if (r instanceof NokResult.Refused) {
            return new NokResult.Refused<>(r.command(), ((NokResult.Refused<NokParamReply>) r).status());
        }
        return new NokResult.Unsupported<>(r.command());
    }

    /**
     * {@code NOKXFS} header v1 (§4.1 step 2): the FFU's whole combined header in one message, then
     * its reply within the flash timeout. {@code combinedHeader}'s remaining bytes are sent; its
     * position and limit are left as they were. The message is built in a buffer of its own and sent
     * by a plain write: it is sent once per flash.
     *
     * @param options {@link FlashOption#SKIP_SIGNATURE_CHECK} when the bootloader is not secure, else none (§4.1)
     * @param progress 0..100, byte [8]
     * @return Ok on status 0; Refused with the status (e.g. 0x1304 platform ID, 0x1106 signature);
     *     Unsupported on NOKU
     */
    public NokResult<NokAck> flashHeader(ByteBuffer combinedHeader, Set<FlashOption> options, int progress) {
        return flashHeader(combinedHeader, options, progress, flashTimeout);
    }

    /** {@link #flashHeader(ByteBuffer, Set, int)} with its own bound on the message: its write plus its reply. */
    public NokResult<NokAck> flashHeader(ByteBuffer combinedHeader, Set<FlashOption> options, int progress, Duration bound) {
        NokFlashHeader header = new NokFlashHeader(progress, options, combinedHeader);
        if (header.dataLength() == 0) {
            throw new IllegalArgumentException("the combined FFU header is empty");
        }
        ByteBuffer message = ByteBuffer.allocate(header.messageLength());
        NokCodec.encodeFlash(header, message);
        return flashExchange(header, new ByteBuffer[] {message.flip()}, positive(bound, "flash bound"));
    }

    /**
     * {@code NOKXFS} payload (§4.1 step 3): v1 = one FFU chunk, v2 = WriteBufferSize bytes (the last
     * message shorter); one message, then its reply within the flash timeout. {@code chunk}'s
     * remaining bytes are sent; its position and limit are left as they were. The message goes to
     * the link as two parts of one gathering write — the session's reused head buffer and a read-only
     * view of {@code chunk} — so the session neither copies the data nor allocates a buffer per chunk;
     * the link sends the two as the one message {@link NokCodec#encodeFlash} would have built.
     *
     * @return Ok on status 0; Refused with the status (0x1003 hash mismatch, 0x1004 payload before
     *     header, 0x1007 payload incomplete, 0x100B too much payload, …); Unsupported on NOKU
     */
    public NokResult<NokAck> flashPayload(ByteBuffer chunk, boolean v2, int progress) {
        return flashPayload(chunk, v2, progress, flashTimeout);
    }

    /** {@link #flashPayload(ByteBuffer, boolean, int)} with its own bound on the message: its write plus its reply. */
    public NokResult<NokAck> flashPayload(ByteBuffer chunk, boolean v2, int progress, Duration bound) {
        NokFlashPayload payload = v2 ? NokFlashPayload.v2(progress, chunk) : NokFlashPayload.v1(progress, chunk);
        if (payload.dataLength() == 0) {
            throw new IllegalArgumentException("a payload message needs at least one byte of FFU data");
        }
        payloadHead.clear();
        NokCodec.encodeFlashHead(payload, payloadHead);
        return flashExchange(payload, new ByteBuffer[] {payloadHead.flip(), payload.data()}, positive(bound, "flash bound"));
    }

    private NokResult<NokAck> flashExchange(NokFlashRequest request, ByteBuffer[] message, Duration bound) {
        String command = "NOKXFS " + request.layout().label();
        Deadline deadline = Deadline.after(AgentClock.system(), bound); // the write and its reply share it
        LOG.debug("{} → {}", link.describe(), request);
        if (message.length == 1) {
            link.write(message[0], bound);
        } else {
            link.write(message, bound);
        }
        deadline.throwIfExpired(() -> new TransferTimeout(TransferTimeout.Direction.IN, bound, 0));
        NokReply reply = readReply(deadline, bound);
        if (reply instanceof NokUnknown) {
            return new NokResult.Unsupported<>(command);
        }
        if (reply instanceof NokFlashReply) {
            NokFlashReply r = (NokFlashReply) reply;
            return r.ok() ? new NokResult.Ok<>(command, new NokAck("status 0")) : new NokResult.Refused<>(command, r.status());
        }
        throw unexpected(command, reply);
    }

    // ---------------------------------------------------------------- plumbing

    private void expectEcho(NokRequest request) {
        NokReply reply = exchange(request, replyTimeout);
        if (!(reply instanceof NokEcho) || !reply.signature().equals(request.signature())) {
            throw unexpected(request.signature(), reply);
        }
    }

    private NokResult<NokAck> statusCommand(NokRequest request, String command) {
        NokReply reply = exchange(request, replyTimeout);
        if (reply instanceof NokUnknown) {
            return new NokResult.Unsupported<>(command);
        }
        if (reply instanceof NokStatusReply && reply.signature().equals(request.signature())) {
            return fromStatus(command, (NokStatusReply) reply);
        }
        throw unexpected(command, reply);
    }

    private NokResult<NokAck> silentCommand(NokRequest request) {
        String command = request.signature();
        send(request);
        NokReply reply;
        try {
            reply = readReply(silenceWindow);
        } catch (TransferTimeout e) {
            if (pendingLength > 0) {
                throw new ProtocolException(command + ": " + pendingLength + " bytes of an incomplete reply, then silence");
            }
            return new NokResult.Ok<>(command, new NokAck("no reply within " + silenceWindow.toMillis() + " ms"));
        } catch (DeviceGone e) {
            return new NokResult.Ok<>(command, new NokAck("the phone left the bus"));
        }
        if (reply instanceof NokUnknown) {
            return new NokResult.Unsupported<>(command);
        }
        if (reply instanceof NokEcho && reply.signature().equals(command)) {
            return new NokResult.Ok<>(command, new NokAck("echo " + command));
        }
        if (reply instanceof NokStatusReply && reply.signature().equals(command)) {
            return fromStatus(command, (NokStatusReply) reply);
        }
        throw unexpected(command, reply);
    }

    private static NokResult<NokAck> fromStatus(String command, NokStatusReply s) {
        return s.ok() ? new NokResult.Ok<>(command, new NokAck("status 0")) : new NokResult.Refused<>(command, s.status());
    }

    private void sendWriteOnly(NokRequest request) {
        send(request);
        writeOnlyPending.addLast(request.signature());
        if (request instanceof NokContinueBoot || request instanceof NokRebootToFlash || request instanceof NokRebootToPhoneInfo) {
            lastApp = null;
        }
    }

    private NokReply exchange(NokRequest request, Duration timeout) {
        send(request);
        return readReply(timeout);
    }

    private void send(NokRequest request) {
        LOG.debug("{} → {}", link.describe(), request);
        link.write(ByteBuffer.wrap(NokCodec.encode(request)), replyTimeout);
    }

    private NokReply readReply(Duration timeout) {
        return readReply(Deadline.after(AgentClock.system(), timeout), timeout); // transfer time is real time
    }

    /** One reply by {@code deadline}; {@code timeout} is the budget a {@link TransferTimeout} names. */
    private NokReply readReply(Deadline deadline, Duration timeout) {
        while (true) {
            byte[] message = link.keepsBoundaries() ? readTransfer(deadline, timeout) : readFramed(deadline, timeout);
            NokReply reply = NokCodec.decodeReply(message);
            if (!writeOnlyPending.isEmpty()) {
                String owner = writeOnlyPending.peekFirst();
                if (reply instanceof NokEcho && writeOnlyPending.remove(reply.signature())) {
                    LOG.debug("{} ← {} (late echo of a write-only command, skipped)", link.describe(), reply);
                    continue;
                }
                if (reply instanceof NokUnknown) {
                    writeOnlyPending.removeFirst();
                    LOG.warn("{}: the phone answered NOKU to the write-only {}: it did not act on it", link.describe(), owner);
                    continue;
                }
            }
            writeOnlyPending.clear();
            LOG.debug("{} ← {}", link.describe(), reply);
            return reply;
        }
    }

    private static Duration left(Deadline deadline, Duration timeout, int moved) {
        return deadline.remainingRealOrThrow(() -> new TransferTimeout(TransferTimeout.Direction.IN, timeout, moved));
    }

    private byte[] readTransfer(Deadline deadline, Duration timeout) {
        ByteBuffer buffer = transferBuffer.clear();
        while (true) {
            int n = link.read(buffer, left(deadline, timeout, 0));
            if (n > 0) {
                return Arrays.copyOf(buffer.array(), n);
            }
            // A zero-length packet ends a message whose length is a multiple of wMaxPacketSize (§1.2).
            buffer.clear();
        }
    }

    private byte[] readFramed(Deadline deadline, Duration timeout) {
        while (true) {
            if (pendingLength > 0) {
                int need;
                try {
                    need = NokCodec.replyLength(pending, pendingLength);
                } catch (ProtocolException e) {
                    pendingLength = 0;
                    throw e;
                }
                if (need > 0 && pendingLength >= need) {
                    byte[] message = Arrays.copyOf(pending, need);
                    System.arraycopy(pending, need, pending, 0, pendingLength - need);
                    pendingLength -= need;
                    return message;
                }
            }
            Duration left = left(deadline, timeout, pendingLength);
            try {
                pendingLength += link.read(ByteBuffer.wrap(pending, pendingLength, pending.length - pendingLength), left);
            } catch (TransferTimeout e) {
                throw new TransferTimeout(TransferTimeout.Direction.IN, timeout, pendingLength);
            }
        }
    }

    private static ProtocolException unexpected(String command, NokReply reply) {
        return new ProtocolException(command + ": unexpected reply " + reply);
    }
}
