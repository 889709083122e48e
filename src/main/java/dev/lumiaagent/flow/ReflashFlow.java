package dev.lumiaagent.flow;

import dev.lumiaagent.device.DeviceInfo;
import dev.lumiaagent.device.FfuWriter;
import dev.lumiaagent.device.FlashLimits;
import dev.lumiaagent.device.InfoField;
import dev.lumiaagent.device.InfoReader;
import dev.lumiaagent.device.NormalPhone;
import dev.lumiaagent.device.PhoneIdentity;
import dev.lumiaagent.device.Phones;
import dev.lumiaagent.device.UefiPhone;
import dev.lumiaagent.flow.gate.Consent;
import dev.lumiaagent.flow.gate.Gate;
import dev.lumiaagent.flow.gate.GateResult;
import dev.lumiaagent.flow.gate.Gates;
import dev.lumiaagent.image.ffu.FfuFile;
import dev.lumiaagent.image.ffu.FfuVerification;
import dev.lumiaagent.image.ffu.PayloadPiece;
import dev.lumiaagent.image.ffu.PayloadReader;
import dev.lumiaagent.protocol.flashapp.NokAck;
import dev.lumiaagent.protocol.flashapp.NokApp;
import dev.lumiaagent.protocol.flashapp.NokResult;
import dev.lumiaagent.protocol.flashapp.NokSwitchTarget;
import dev.lumiaagent.protocol.flashapp.NokvBlock;
import dev.lumiaagent.protocol.flashapp.NokvReply;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Recovery Tool path (lumia-protocols.md §4): a stock FFU written through the UEFI flash app.
 * Pre-flight first (the FFU verifies, consent to erase, battery), then the phone is brought into the
 * flash app from whatever mode it is in (a phone stuck in the flash app is a starting point), the
 * firmware match and battery are checked there, the combined header goes in one message and the
 * payload in chunks (v1) or write-buffer pieces (v2), paced by the model's write limit; {@code NOKR},
 * and the agent watches the phone come back in normal mode and confirms it is the same phone.
 * An interrupted flash leaves the phone in the flash app; running the flow again starts from there.
 */
public final class ReflashFlow implements FlowRunner.Flow {
    public static final String VERIFY_FFU = "VerifyFfu";
    public static final String READ_INFO = "ReadInfo";
    public static final String PRE_FLIGHT = "PreFlight";
    public static final String SWITCH_TO_FLASH = "SwitchToFlash";
    public static final String AWAIT_FLASH_APP = "AwaitFlashApp";
    public static final String CHECK_PHONE = "CheckPhone";
    public static final String SEND_HEADER = "SendFfuHeader";
    public static final String WRITE_CHUNKS = "WriteChunks";
    public static final String REBOOT = "Reboot";
    public static final String AWAIT_LEAVE = "AwaitLeave";
    public static final String AWAIT_RETURN = "AwaitReturn";
    public static final String CONFIRM_IDENTITY = Identities.CONFIRM_IDENTITY;

    /** How long each wait may take, on the flow's clock. */
    public record Bounds(Duration toFlashApp, Duration leave, Duration returnToOs, Duration perMessage) {
        public static Bounds standard() {
            return new Bounds(Duration.ofMinutes(2), Duration.ofSeconds(60), Duration.ofMinutes(10), Duration.ofSeconds(60));
        }
    }

    private final UsbDevice start;
    private final FfuFile ffu;
    private final String ffuName;
    private final Consent consent;
    private final Bounds bounds;
    private final List<GateResult> gates = new ArrayList<>();
    private final List<String> plan;
    private FfuVerification verified;
    private String verifiedWhen;
    private volatile FfuVerification verification;

    public ReflashFlow(UsbDevice start, FfuFile ffu, String ffuName, Consent consent, Bounds bounds) {
        this.start = start;
        this.ffu = ffu;
        this.ffuName = ffuName;
        this.consent = consent;
        this.bounds = bounds;
        List<String> p = new ArrayList<>(List.of(VERIFY_FFU, READ_INFO, PRE_FLIGHT));
        Mode mode = start.personality().mode();
        if (mode == Mode.NORMAL || mode == Mode.LABEL) {
            p.addAll(List.of(SWITCH_TO_FLASH, AWAIT_FLASH_APP));
        } else if (mode == Mode.UEFI) {
            p.add(SWITCH_TO_FLASH); // a no-op when the flash app already runs
        }
        p.addAll(List.of(CHECK_PHONE, SEND_HEADER, WRITE_CHUNKS, REBOOT, AWAIT_LEAVE, AWAIT_RETURN, CONFIRM_IDENTITY));
        this.plan = List.copyOf(p);
    }

    /**
     * The FFU was verified already (a bench verifies each file once for all its phones): the VerifyFfu
     * step records that verification instead of reading the whole file again. {@code when} says where
     * and when it was done, for the record.
     */
    public ReflashFlow alreadyVerified(FfuVerification verification, String when) {
        this.verified = verification;
        this.verifiedWhen = when;
        return this;
    }

    @Override
    public String name() {
        return "reflash";
    }

    @Override
    public List<String> plan() {
        return plan;
    }

    /** The FFU's verification (with the file's SHA-256), once the VerifyFfu step has run. */
    public Optional<FfuVerification> verification() {
        return Optional.ofNullable(verification);
    }

    /** Every gate's verdict so far, for the job record. */
    public List<GateResult> gates() {
        return List.copyOf(gates);
    }

    @Override
    public Outcome run(FlowContext ctx) throws InterruptedException {
        Mode mode = start.personality().mode();
        if (mode.isEmergencyDownload()) {
            throw new FlowFailure(Reason.NOT_SUPPORTED_IN_MODE, "The phone on " + ctx.port() + " is in Qualcomm emergency "
                    + "download (9008): the flash app is not running, so a Recovery Tool reflash cannot start.",
                    "Use the emergency path (Sahara programmer, then Firehose) for a bricked phone, or hold Volume-Down + Power to restart it.");
        }
        if (mode == Mode.MASS_STORAGE) {
            throw new FlowFailure(Reason.NOT_SUPPORTED_IN_MODE, "The phone on " + ctx.port() + " is in mass-storage mode.",
                    "Restart it (hold Volume-Down + Power until it vibrates), then run reflash again.");
        }
        verifyFfu(ctx);
        DeviceInfo before = ctx.step(READ_INFO, "read what the phone is now", Duration.ofSeconds(60), () -> readInfo(ctx, start));
        preFlight(ctx, before);
        try (PhoneWatcher watcher = new PhoneWatcher(ctx.bus(), ctx.clock(), ctx.port())) {
            UsbDevice flashApp = toFlashApp(ctx, watcher, mode);
            try (UefiPhone phone = Phones.openUefi(ctx.bus(), flashApp)) {
                NokvReply nokv = checkPhone(ctx, phone);
                FfuWriter writer = phone.ffuWriter(bounds.perMessage());
                sendHeader(ctx, writer);
                writeChunks(ctx, writer, nokv);
                // NOKR's write may take the session's 5 s reply timeout, then it listens 1 s for an answer.
                ctx.step(REBOOT, "restart the phone into its new OS (NOKR)", Duration.ofSeconds(10), () -> {
                    // The phone left once already (into the flash app): only a leave after NOKR is its restart.
                    watcher.sinceNow();
                    writer.reboot();
                    return null;
                });
            }
            ctx.step(AWAIT_LEAVE, "wait for the phone to restart", bounds.leave(), () -> {
                if (!watcher.awaitLeave(ctx.within(bounds.leave()), (w, b) -> { })) {
                    ctx.evidence(Evidence.failed(Evidence.BOOTED_OS, "after the flash the phone did not restart within "
                            + PhoneWatcher.human(bounds.leave()) + ", so it was not seen booting its OS"));
                    throw new FlowFailure(Reason.PHONE_DID_NOT_LEAVE, "The flash completed but the phone did not restart within "
                            + bounds.leave().toSeconds() + " s.", "Hold Volume-Down + Power until it vibrates; the new firmware is already written.");
                }
                return null;
            });
            UsbDevice back = awaitReturn(ctx, watcher);
            PhoneIdentity after = Identities.confirm(ctx, back, before.identity(), "flashed", Duration.ofSeconds(30));
            return Outcome.done("The phone on " + ctx.port() + (after.isKnown() ? " (" + after + ")" : "") + " was reflashed with "
                    + ffuName + " and is back in normal mode.");
        }
    }

    private void verifyFfu(FlowContext ctx) throws InterruptedException {
        ctx.step(VERIFY_FFU, "check every chunk of " + ffuName + " against its hash table", Duration.ofMinutes(30), () -> {
            FfuVerification v = verified;
            try {
                v = v != null ? v : ffu.verify((done, total) -> ctx.progress(VERIFY_FFU, total == 0 ? -1 : (double) done / total,
                        "verified " + (done >> 20) + " of " + (total >> 20) + " MiB"));
            } catch (IOException e) {
                ctx.evidence(Evidence.failed(Evidence.FFU_VERIFIED, "could not read " + ffuName + " (" + e.getMessage()
                        + "): it was not checked, and nothing was written"));
                throw new FlowFailure(Reason.FFU_INVALID, "Could not read " + ffuName + ": " + e.getMessage(),
                        "Check the file (lumia-agent ffu verify), or download the FFU again.");
            }
            verification = v;
            GateResult g = Gates.ffuIntegrity(ffuName, v, verified != null ? verifiedWhen : null);
            record(ctx, g);
            if (g.blocks()) {
                ctx.evidence(Evidence.failed(Evidence.FFU_VERIFIED, ffuName + " failed its check against its hash table ("
                        + v.chunksChecked() + " chunks checked): " + g.detail() + "; nothing was written"));
                throw new FlowFailure(Outcome.blockedBy(g));
            }
            ctx.evidence(Evidence.passed(Evidence.FFU_VERIFIED, v.chunksChecked() + " chunks of " + ffuName
                    + " checked against its hash table" + (verified != null && verifiedWhen != null ? " (" + verifiedWhen + ")" : "")
                    + "; SHA-256 " + v.fileSha256()));
            return null;
        });
    }

    private DeviceInfo readInfo(FlowContext ctx, UsbDevice d) {
        if (d.personality().mode() == Mode.EMERGENCY_CHARGING) {
            return InfoReader.fromBus(d);
        }
        return InfoReader.read(ctx.bus(), d);
    }

    private void preFlight(FlowContext ctx, DeviceInfo before) throws InterruptedException {
        ctx.step(PRE_FLIGHT, "battery, backup warning and consent, before anything is written", Duration.ofMinutes(10), () -> {
            GateResult battery = Gates.battery(before, start.personality().mode() == Mode.EMERGENCY_CHARGING);
            record(ctx, battery);
            if (battery.blocks()) {
                throw new FlowFailure(start.personality().mode() == Mode.EMERGENCY_CHARGING ? Reason.BATTERY_DEAD : Reason.BATTERY_LOW,
                        "Battery gate: " + battery.detail() + ".", battery.nextStep());
            }
            record(ctx, Gates.backupWarning());
            GateResult c = Gates.consent(consent, "Reflash the phone on " + ctx.port() + " with " + ffuName + ".");
            record(ctx, c);
            if (c.blocks()) {
                throw new FlowFailure(Reason.NO_CONSENT, "Nothing was written: " + c.detail() + ".", c.nextStep());
            }
            return null;
        });
    }

    private UsbDevice toFlashApp(FlowContext ctx, PhoneWatcher watcher, Mode mode) throws InterruptedException {
        if (mode == Mode.NORMAL || mode == Mode.LABEL) {
            ctx.step(SWITCH_TO_FLASH, "ask the phone to reboot into its flash app (SetDeviceMode Flash)", Duration.ofSeconds(10), () -> {
                try (NormalPhone phone = Phones.openNormal(ctx.bus(), start)) {
                    phone.switchToFlash().ifPresent(error -> {
                        throw new FlowFailure(Reason.DEVICE_REJECTED, "The phone refused to switch to flash mode: "
                                + error + ".", "Switch it by keys instead: with the phone off, hold Volume-Up and plug it in.");
                    });
                }
                return null;
            });
            return awaitFlashApp(ctx, watcher, true);
        }
        // A reboot toward the flash app is waited for inside this step (AwaitFlashApp): its bound is in this one's.
        return ctx.step(SWITCH_TO_FLASH, "make sure the flash app is running", Duration.ofSeconds(30).plus(awaitFlashAppBound(true)), () -> {
            if (mode != Mode.UEFI) {
                // Mass storage and 9008 were refused before anything was read; F006 stops at the battery gate.
                throw new FlowFailure(Reason.NOT_SUPPORTED_IN_MODE, "The phone on " + ctx.port() + " is in " + mode.label()
                        + ": the agent cannot bring it into its flash app from there.",
                        "Restart it (hold Volume-Down + Power until it vibrates), then run reflash again.");
            }
            NokApp app;
            try (UefiPhone phone = Phones.openUefi(ctx.bus(), start)) {
                app = phone.app();
                if (app == NokApp.FLASH_APP) {
                    return start;
                }
                if (app == NokApp.BOOT_MANAGER) {
                    phone.rebootToFlashApp();
                } else {
                    NokResult<NokAck> r = phone.switchTo(NokSwitchTarget.FLASH_APP);
                    if (r.isOk()) {
                        return start; // a context switch: same enumeration, now the flash app
                    }
                    phone.rebootToFlashApp();
                }
            }
            return awaitFlashApp(ctx, watcher, true);
        });
    }

    private UsbDevice awaitFlashApp(FlowContext ctx, PhoneWatcher watcher, boolean mustLeaveFirst) throws InterruptedException {
        return ctx.step(AWAIT_FLASH_APP, "wait for the phone to come back in its flash app", awaitFlashAppBound(mustLeaveFirst), () -> {
            if (mustLeaveFirst && !watcher.awaitLeave(ctx.within(bounds.toFlashApp()), watcher.reporting(ctx, AWAIT_FLASH_APP, "the phone to restart"))) {
                throw new FlowFailure(Reason.PHONE_DID_NOT_LEAVE, "The phone did not restart toward its flash app within "
                        + bounds.toFlashApp().toSeconds() + " s.", "Run reflash again; if it repeats, restart the phone by keys first.");
            }
            Optional<UsbDevice> d = watcher.awaitArrival(x -> x.personality().mode() == Mode.UEFI, ctx.within(bounds.toFlashApp()),
                    watcher.reporting(ctx, AWAIT_FLASH_APP, "the flash app"));
            return d.orElseThrow(() -> new FlowFailure(Reason.PHONE_DID_NOT_RETURN, "The phone did not come back in its flash app within "
                    + bounds.toFlashApp().toSeconds() + " s" + watcher.current().map(x -> " (it is in " + x.personality().mode().label() + ")").orElse("") + ".",
                    "Check the cable; run reflash again — the agent starts from whatever mode the phone is in."));
        });
    }

    /** Leaving, then coming back, each within {@code toFlashApp}. */
    private Duration awaitFlashAppBound(boolean mustLeaveFirst) {
        return mustLeaveFirst ? bounds.toFlashApp().multipliedBy(2) : bounds.toFlashApp();
    }

    private NokvReply checkPhone(FlowContext ctx, UefiPhone phone) throws InterruptedException {
        return ctx.step(CHECK_PHONE, "firmware match, battery and reset protection, read in the flash app", Duration.ofSeconds(60), () -> {
            NokvReply v = phone.version();
            if (v.app() != NokApp.FLASH_APP) {
                throw new FlowFailure(Reason.RETURNED_IN_WRONG_MODE, "The phone runs its " + v.app().traceName() + ", not the flash app.",
                        "Run reflash again; the agent starts from whatever mode the phone is in.");
            }
            boolean syncV1 = v.secureFfuProtocols().map(p -> p.protocols().contains(NokvBlock.FfuProtocol.SYNC_V1)
                    || p.protocols().contains(NokvBlock.FfuProtocol.SYNC_V2)).orElse(true);
            if (!syncV1) {
                throw new FlowFailure(Reason.NOT_SUPPORTED_IN_MODE, "This flash app offers no synchronous FFU protocol (SyncV1/SyncV2).",
                        "This phone needs the Recovery Tool's asynchronous flashing, which the agent does not implement.");
            }
            DeviceInfo info = phone.readInfo();
            String platform = info.text(InfoField.PLATFORM_ID).orElse(null);
            GateResult match = Gates.firmwareMatch(ffu.image().platformIds(), java.util.Optional.ofNullable(platform));
            record(ctx, match);
            GateResult battery = Gates.battery(info, false);
            record(ctx, battery);
            record(ctx, Gates.resetProtection(info));
            if (match.blocks() || battery.blocks()) {
                GateResult why = match.blocks() ? match : battery;
                if (!Boolean.TRUE.equals(info.get(InfoField.FLASHING_INCOMPLETE).orElse(false))) {
                    phone.reboot(); // leave it as it was: back to its OS
                }
                throw new FlowFailure(Outcome.blockedBy(why));
            }
            return v;
        });
    }

    private void sendHeader(FlowContext ctx, FfuWriter writer) throws InterruptedException {
        ctx.step(SEND_HEADER, "send the FFU headers (" + (ffu.image().combinedHeaderLength() / 1024) + " KiB) in one message",
                bounds.perMessage(), () -> {
                    java.nio.ByteBuffer header;
                    try {
                        header = ffu.combinedHeader();
                    } catch (IOException e) {
                        throw new FlowFailure(Reason.FFU_INVALID, "Could not read the FFU header: " + e.getMessage(),
                                "Check the file with `lumia-agent ffu verify`.");
                    }
                    NokResult<NokAck> r = writer.header(header);
                    refusedIsFailure(r, "the FFU header");
                    return null;
                });
    }

    private void writeChunks(FlowContext ctx, FfuWriter writer, NokvReply nokv) throws InterruptedException {
        String platform = nokv.platformId().orElse(null);
        FlashLimits.Limit limit = FlashLimits.forPlatform(platform);
        int chunk = ffu.image().chunkSize();
        boolean v2 = nokv.secureFfuProtocols().map(p -> p.protocols().contains(NokvBlock.FfuProtocol.SYNC_V2)).orElse(false)
                && nokv.writeBufferSize().orElse(0) >= chunk && nokv.writeBufferSize().orElse(0) % chunk == 0;
        int piece = v2 ? (int) nokv.writeBufferSize().getAsLong() : chunk;
        if (limit.maxPieceBytes() > 0 && piece > limit.maxPieceBytes()) {
            piece = Math.max(chunk, limit.maxPieceBytes() / chunk * chunk);
            v2 = v2 && piece > chunk;
        }
        final boolean useV2 = v2;
        final int pieceBytes = piece;
        ctx.step(WRITE_CHUNKS, "write the payload (" + (ffu.image().payloadSize() >> 20) + " MiB) in "
                + (useV2 ? (pieceBytes / 1024) + " KiB pieces (protocol v2)" : "chunks of " + (chunk / 1024) + " KiB (protocol v1)")
                + (limit.limited() ? "; " + limit : ""), Duration.ofHours(2), () -> {
            PayloadReader reader = useV2 ? ffu.payloadPieces(pieceBytes) : ffu.payloadChunks();
            long totalBlocks = reader.totalBlocks();
            long sent = 0;
            long bytes = 0;
            long messages = 0;
            Instant began = ctx.clock().now();
            WritePacer pacer = WritePacer.of(limit, useV2 ? pieceBytes : chunk, ctx.clock());
            while (reader.hasNext()) {
                PayloadPiece p = next(reader);
                sent += p.blocks();
                int progress = (int) Math.min(100, sent * 100 / Math.max(1, totalBlocks));
                pacer.beforeSending(p.data().remaining());
                NokResult<NokAck> written = writer.payload(p.data(), useV2, progress);
                if (written instanceof NokResult.Unsupported) {
                    // The same app took the FFU header (and any blocks before): it knows the command, so NOKU now says
                    // the app and the agent are out of step, not that it cannot take this FFU protocol. An interrupted
                    // flash boots the flash app again (lumia-protocols.md §4.1): the write starts over from its header.
                    throw new FlowFailure(Reason.PROTOCOL_DESYNC, "The flash app answered NOKU to payload block " + p.payloadBlock()
                            + " after it had taken the FFU header" + (messages > 0 ? " and " + messages + " payload message"
                            + (messages == 1 ? "" : "s") : "") + ": it is out of step with the agent. The phone stays in its flash app"
                            + " until a flash completes.",
                            "Run reflash again: the write starts over from the FFU header.");
                }
                refusedIsFailure(written, "payload block " + p.payloadBlock());
                messages++;
                bytes += (long) p.blocks() * chunk;
                Duration elapsed = Duration.between(began, ctx.clock().now());
                double mbps = elapsed.isZero() ? 0 : bytes / 1e6 / (elapsed.toNanos() / 1e9);
                ctx.progress(WRITE_CHUNKS, (double) sent / Math.max(1, totalBlocks),
                        String.format("%d of %d MiB, %.1f MB/s", bytes >> 20, (totalBlocks * chunk) >> 20, mbps));
            }
            writtenEvidence(ctx, sent, messages, bytes, Duration.between(began, ctx.clock().now()));
            return null;
        });
    }

    /**
     * The write is complete: every payload block was answered with status 0. The flash app hashes each chunk it
     * receives and compares it with the FFU's signed hash table, refusing a mismatch with 0x1003
     * (lumia-protocols.md §3.5, §4.1), so its acceptance of all of them is a check of what it wrote.
     */
    private void writtenEvidence(FlowContext ctx, long blocks, long messages, long bytes, Duration took) {
        String sha = verification != null ? verification.fileSha256() : "unknown";
        ctx.evidence(Evidence.erased(Evidence.REFLASH, String.format(java.util.Locale.ROOT,
                "wrote %s (SHA-256 %s): %.1f MiB in %d payload blocks of %d KiB through the flash app, in %s",
                ffuName, sha, bytes / 1048576.0, blocks, ffu.image().chunkSize() / 1024, PhoneWatcher.human(took))));
        dev.lumiaagent.protocol.flashapp.NokStatus mismatch = dev.lumiaagent.protocol.flashapp.NokStatus.of(0x1003);
        ctx.evidence(Evidence.passed(Evidence.FLASH_APP_ACCEPTED, String.format(java.util.Locale.ROOT,
                "the flash app accepted all %d payload blocks (%d messages, each answered with status 0); it checks each block "
                        + "against the FFU's signed hash table and refuses a mismatch (status 0x%04X %s)",
                blocks, messages, mismatch.code(), mismatch.name())));
    }

    private static PayloadPiece next(PayloadReader reader) {
        try {
            return reader.next();
        } catch (IOException e) {
            throw new FlowFailure(Reason.FFU_INVALID, "Could not read the FFU payload: " + e.getMessage()
                    + ". The phone keeps booting into its flash app until a flash completes.",
                    "Check the file with `lumia-agent ffu verify`, then run reflash again.");
        }
    }

    private static void refusedIsFailure(NokResult<NokAck> r, String what) {
        if (r instanceof NokResult.Refused) {
            NokResult.Refused<NokAck> refused = (NokResult.Refused<NokAck>) r;
            throw new FlowFailure(Reason.DEVICE_REJECTED, "The flash app refused " + what + ": " + refused.status() + ".",
                    refused.status().nextStep());
        }
        if (r instanceof NokResult.Unsupported) {
            throw new FlowFailure(Reason.UNSUPPORTED_COMMAND, "The flash app answered NOKU to " + what + ".",
                    "This flash app does not take this FFU protocol; the phone may need the emergency path.");
        }
    }

    private UsbDevice awaitReturn(FlowContext ctx, PhoneWatcher watcher) throws InterruptedException {
        return ctx.step(AWAIT_RETURN, "wait for the phone to boot its new OS (first boot can take minutes)", bounds.returnToOs(), () -> {
            Instant waitFrom = ctx.clock().now();
            Optional<UsbDevice> back = watcher.awaitArrival(d -> d.personality().mode() == Mode.NORMAL, ctx.within(bounds.returnToOs()),
                    watcher.reporting(ctx, AWAIT_RETURN, "normal mode"));
            if (back.isPresent()) {
                // A flash that did not complete makes the phone boot its flash app again (FlashingIncomplete,
                // lumia-protocols.md §4.1): normal mode means the new OS started.
                ctx.evidence(Evidence.passed(Evidence.BOOTED_OS, "the phone left the flash app and booted its OS (normal mode, "
                        + back.get().vidPid() + ") " + PhoneWatcher.human(Duration.between(waitFrom, ctx.clock().now()))
                        + " after it restarted; a flash that did not complete boots the flash app again"));
            }
            return back.orElseThrow(() -> {
                Optional<UsbDevice> now = watcher.current();
                ctx.evidence(Evidence.failed(Evidence.BOOTED_OS, now.isPresent()
                        ? "after the flash the phone came back in " + now.get().personality().mode().label() + ", not its OS, and stayed there for "
                        + PhoneWatcher.human(bounds.returnToOs()) + (now.get().personality().mode() == Mode.UEFI
                        ? " (a flash that did not complete boots the flash app again)" : "")
                        : "after the flash the phone did not come back on " + ctx.port() + " within " + PhoneWatcher.human(bounds.returnToOs())));
                return now.isPresent()
                        ? new FlowFailure(Reason.RETURNED_IN_WRONG_MODE, "After the flash the phone came back in "
                        + now.get().personality().mode().label() + " and stayed there for " + bounds.returnToOs().toSeconds() + " s.",
                        now.get().personality().mode() == Mode.UEFI ? "Its flash did not complete: run reflash again." : "Check the phone's screen, then run `lumia-agent info`.")
                        : new FlowFailure(Reason.PHONE_DID_NOT_RETURN, "After the flash the phone did not come back within "
                        + bounds.returnToOs().toSeconds() + " s.", "Check the cable and the screen; hold Volume-Down + Power for 10 s if it is dark.");
            });
        });
    }


    private void record(FlowContext ctx, GateResult g) {
        gates.add(g);
        ctx.gate(g);
    }
}
