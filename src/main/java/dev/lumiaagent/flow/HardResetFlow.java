package dev.lumiaagent.flow;

import dev.lumiaagent.device.DeviceInfo;
import dev.lumiaagent.device.InfoField;
import dev.lumiaagent.device.InfoReader;
import dev.lumiaagent.device.NormalPhone;
import dev.lumiaagent.device.PhoneIdentity;
import dev.lumiaagent.device.Phones;
import dev.lumiaagent.device.UefiPhone;
import dev.lumiaagent.flow.gate.Consent;
import dev.lumiaagent.flow.gate.GateResult;
import dev.lumiaagent.flow.gate.Gates;
import dev.lumiaagent.image.ffu.FfuFile;
import dev.lumiaagent.protocol.flashapp.NokAck;
import dev.lumiaagent.protocol.flashapp.NokApp;
import dev.lumiaagent.protocol.flashapp.NokResult;
import dev.lumiaagent.protocol.flashapp.NokSwitchTarget;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.BusEvent;
import dev.lumiaagent.transport.TransferTimeout;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The hard (factory) reset (reset-procedures.md): by Settings when the phone works, by the guided key
 * sequence when it does not answer, by erasing the user Data partition in the UEFI flash app
 * ({@code NOKXFP "Data"}, then {@code NOKR}), or by a stock-FFU reflash (delegated to {@link ReflashFlow}).
 * {@code auto} picks the strongest method the phone's state allows and says why. The battery,
 * backup and reset-protection gates and the owner's consent come before any method. The long wait
 * (spinning gears, the phone off the bus or up only briefly) is watched on the flow's clock, and a
 * reset that never brings the phone back in normal mode ends as {@link Reason#RESET_NEVER_FINISHED}.
 */
public final class HardResetFlow implements FlowRunner.Flow {
    public static final String READ_PHONE = "ReadPhone";
    public static final String CHOOSE_METHOD = "ChooseMethod";
    public static final String PRE_FLIGHT = "PreFlight";
    public static final String SETTINGS_RESET = "ResetFromSettings";
    public static final String GUIDED_KEYS = "GuidedKeyHardReset";
    public static final String ERASE_DATA = "EraseUserData";
    public static final String REBOOT = "Reboot";
    public static final String AWAIT_LEAVE = "AwaitLeave";
    public static final String AWAIT_RESET = "AwaitResetFinish";
    public static final String CONFIRM_IDENTITY = Identities.CONFIRM_IDENTITY;
    public static final String REFLASH = "Reflash";

    static final List<String> SETTINGS_INSTRUCTIONS = List.of(
            "On the phone, open Settings → about → reset your phone, and confirm (Yes, then Yes again).",
            "Keep the phone plugged in: it restarts and shows spinning gears; the agent watches it over USB.",
            "This usually takes under 30 minutes, in rare cases a couple of hours. Do not unplug or switch it off meanwhile.");

    static final List<String> KEY_INSTRUCTIONS = List.of(
            "1. Hold Volume-Down and Power together until the phone vibrates (about 10-15 seconds).",
            "2. On the vibration, let go of both, then at once hold Volume-Down until a large \"!\" appears.",
            "3. As soon as the \"!\" appears, press quickly, in this order: Volume-Up, Volume-Down, Power, Volume-Down. "
                    + "If you are too slow the phone just restarts: start again at 1 (it can take a few tries).",
            "Keep the phone plugged in: it shows spinning gears, then starts in its first-start setup; the agent watches it over USB "
                    + "(usually under 30 minutes, rarely a couple of hours).");

    /** How a hard reset is done. */
    public enum Method {
        AUTO("auto"), SETTINGS("settings"), KEYS("keys"), USB_WIPE("usb-wipe"), REFLASH("reflash");

        private final String key;

        Method(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        public static Method parse(String s) {
            for (Method m : values()) {
                if (m.key.equals(s.toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown hard-reset method '" + s + "': use auto, settings, keys, usb-wipe or reflash");
        }
    }

    /** The method chosen and why, in words for the technician. */
    public record Choice(Method method, String why) {
    }

    /** Where a reflash's FFU comes from: given on the command line, or the firmware library's for this phone. */
    @FunctionalInterface
    public interface FfuSource {
        Optional<Path> ffuFor(DeviceInfo phone);

        static FfuSource none() {
            return phone -> Optional.empty();
        }

        /** The library's FFU for the phone: by product code, then platform ID, then product type. */
        static FfuSource library(dev.lumiaagent.firmware.FirmwareLibrary lib) {
            return phone -> lib.ffuFor(phone.text(dev.lumiaagent.device.InfoField.PRODUCT_TYPE).orElse(null),
                    phone.text(dev.lumiaagent.device.InfoField.PRODUCT_CODE).orElse(null),
                    phone.text(dev.lumiaagent.device.InfoField.PLATFORM_ID).orElse(null))
                    .map(dev.lumiaagent.firmware.FirmwareLibrary.Entry::path);
        }
    }

    /** How long each wait may take, on the flow's clock. */
    public record Bounds(Duration personStarts, Duration leave, Duration resetFinish, Duration identityRead) {
        /** The reset itself: usually under 30 minutes, rarely a couple of hours; 3 h before it is called stuck. */
        public static Bounds standard() {
            return new Bounds(Duration.ofMinutes(5), Duration.ofSeconds(60), Duration.ofHours(3), Duration.ofSeconds(30));
        }
    }

    private final Optional<UsbDevice> start;
    private final Method requested;
    private final FfuSource ffus;
    private final Consent consent;
    private final Bounds bounds;
    private final ReflashFlow.Bounds reflashBounds;
    private final List<GateResult> gates = new ArrayList<>();
    private final List<String> plan;
    private volatile Choice chosen;

    public HardResetFlow(Optional<UsbDevice> start, Method requested, FfuSource ffus, Consent consent, Bounds bounds,
                         ReflashFlow.Bounds reflashBounds) {
        this.start = start;
        this.requested = requested;
        this.ffus = ffus;
        this.consent = consent;
        this.bounds = bounds;
        this.reflashBounds = reflashBounds;
        Method guess = requested != Method.AUTO ? requested
                : start.isEmpty() ? Method.KEYS
                : start.get().personality().mode() == Mode.NORMAL ? Method.SETTINGS
                : start.get().personality().mode() == Mode.UEFI ? Method.USB_WIPE : Method.KEYS;
        this.plan = planFor(guess, start.isPresent());
    }

    private static List<String> planFor(Method m, boolean phonePresent) {
        List<String> p = new ArrayList<>(List.of(READ_PHONE, CHOOSE_METHOD));
        switch (m) {
            case REFLASH:
                p.add(REFLASH);
                return List.copyOf(p);
            case SETTINGS:
                p.addAll(List.of(PRE_FLIGHT, SETTINGS_RESET, AWAIT_LEAVE));
                break;
            case USB_WIPE:
                p.addAll(List.of(PRE_FLIGHT, ERASE_DATA, REBOOT, AWAIT_LEAVE));
                break;
            default:
                p.addAll(List.of(PRE_FLIGHT, GUIDED_KEYS));
                if (phonePresent) {
                    p.add(AWAIT_LEAVE);
                }
        }
        p.addAll(List.of(AWAIT_RESET, CONFIRM_IDENTITY));
        return List.copyOf(p);
    }

    @Override
    public String name() {
        return "hard-reset";
    }

    @Override
    public List<String> plan() {
        return plan;
    }

    /** The method used, once chosen (empty before). */
    public Optional<Choice> chosen() {
        return Optional.ofNullable(chosen);
    }

    /** Every gate's verdict so far (a delegated reflash records its own). */
    public List<GateResult> gates() {
        return List.copyOf(gates);
    }

    @Override
    public Outcome run(FlowContext ctx) throws InterruptedException {
        Mode mode = start.map(d -> d.personality().mode()).orElse(null);
        // null when the phone does not answer over USB (a hung OS); what enumeration tells otherwise.
        DeviceInfo info = ctx.step(READ_PHONE, "read what the phone is and whether it answers over USB", bounds.identityRead(),
                () -> start.isPresent() ? readPhone(ctx, start.get()) : null);
        boolean answers = info != null;
        DeviceInfo known = info != null ? info : start.map(InfoReader::fromBus).orElse(DeviceInfo.builder().build());
        Optional<Path> ffu = (requested == Method.AUTO || requested == Method.REFLASH) && answers ? ffus.ffuFor(known) : Optional.empty();
        Choice choice = choose(requested, mode, known, answers, ffu);
        chosen = choice;
        ctx.step(CHOOSE_METHOD, "method " + choice.method().key() + ": " + choice.why(), Duration.ZERO, () -> null);
        List<String> actual = planFor(choice.method(), start.isPresent());
        if (!actual.equals(plan)) {
            ctx.planned(name(), actual);
        }
        if (choice.method() == Method.REFLASH) {
            return reflash(ctx, ffu.orElseThrow());
        }
        preFlight(ctx, choice.method(), mode, known);
        try (PhoneWatcher watcher = new PhoneWatcher(ctx.bus(), ctx.clock(), ctx.port())) {
            Instant began = ctx.clock().now();
            Instant left = null; // when the phone was seen leaving the bus for its reset (or the restart after the wipe)
            switch (choice.method()) {
                case SETTINGS:
                    ctx.step(SETTINGS_RESET, "the owner starts the reset in Settings", Duration.ZERO, () -> {
                        ctx.actionRequired(SETTINGS_RESET, SETTINGS_INSTRUCTIONS);
                        return null;
                    });
                    awaitLeave(ctx, watcher, bounds.personStarts(), "nobody started the reset from Settings",
                            "Follow Settings → about → reset your phone on the phone, or use --method keys if the screen does not respond.");
                    left = ctx.clock().now();
                    // Leaving the bus after the owner was asked is the reset beginning (reset-procedures.md: the
                    // phone restarts into its spinning gears); the agent cannot see the owner's taps themselves.
                    ctx.evidence(Evidence.erased(Evidence.SETTINGS_RESET, "the phone's own factory reset, started by its owner from "
                            + "Settings → about → reset your phone: the phone left the USB bus " + PhoneWatcher.human(Duration.between(began, left))
                            + " after the owner was asked, restarting into the reset"));
                    break;
                case USB_WIPE:
                    wipeData(ctx, start.orElseThrow());
                    awaitLeave(ctx, watcher, bounds.leave(), "the flash app erased Data but did not restart",
                            "Hold Volume-Down + Power until it vibrates; the Data partition is already erased.");
                    left = ctx.clock().now();
                    break;
                default:
                    ctx.step(GUIDED_KEYS, "reset the phone with its keys", Duration.ZERO, () -> {
                        ctx.actionRequired(GUIDED_KEYS, KEY_INSTRUCTIONS);
                        return null;
                    });
                    if (start.isPresent()) {
                        awaitLeave(ctx, watcher, bounds.personStarts(), "the key sequence was not entered",
                                "Hold Volume-Down and Power for a full 10-15 seconds until it vibrates, then follow the steps again; "
                                        + "enter Up, Down, Power, Down quickly once the \"!\" shows.");
                        left = ctx.clock().now();
                        ctx.evidence(Evidence.erased(Evidence.KEY_RESET, "the phone's own factory reset, started with the guided key "
                                + "sequence (Volume-Down + Power, then Volume-Up, Volume-Down, Power, Volume-Down at the \"!\"): the phone left "
                                + "the USB bus " + PhoneWatcher.human(Duration.between(began, left)) + " after the keys were asked for"));
                    }
                    // With no phone on the port, the agent cannot see the reset begin: no erasure is claimed, and
                    // AwaitResetFinish says the reset was not seen starting.
            }
            UsbDevice back = awaitReset(ctx, watcher, choice.method(), began, left);
            Duration took = Duration.between(began, ctx.clock().now());
            PhoneIdentity before = answers ? known.identity() : null;
            PhoneIdentity after = Identities.confirm(ctx, back, before, "reset", bounds.identityRead());
            return Outcome.done("Hard reset by " + choice.method().key() + ": the phone on " + ctx.port()
                    + (after.isKnown() ? " (" + after + ")" : "") + " is back in normal mode after " + PhoneWatcher.human(took)
                    + " and starts in its first-start setup (factory settings)."
                    + (choice.method() == Method.USB_WIPE ? " " + USB_WIPE_SCOPE : ""));
        }
    }

    static final String USB_WIPE_SCOPE = "usb-wipe erased the user Data partition (apps, messages, pictures, settings); "
            + "it did not touch the modem NV, the OS version or reset protection.";

    /**
     * The phone is in a mode {@code method} works from but answers nothing over USB (hung): a named PHONE_NOT_ANSWERING
     * with the restart to do, not "the wrong mode" (the fault matrix's hard-reset ReadPhone × stall cells read
     * NOT_SUPPORTED_IN_MODE before). Empty where the method works from another mode, or needs no answer (keys, auto).
     */
    private static Optional<FlowFailure> notAnswering(Method method, Mode mode) {
        String next = switch (method) {
            case SETTINGS -> mode == Mode.NORMAL ? "Its OS may be hung: use --method keys (the key sequence works on an unresponsive "
                    + "phone), or restart it (hold Volume-Down + Power until it vibrates) and run the command again." : null;
            case USB_WIPE -> mode == Mode.UEFI ? "Hold Volume-Down + Power until it vibrates and let go; to come back to the flash "
                    + "app, switch it off, hold Volume-Up and plug it in; then run the command again. Or use --method keys." : null;
            case REFLASH -> mode == Mode.NORMAL || mode == Mode.LABEL || mode == Mode.UEFI
                    ? "Restart it (hold Volume-Down + Power until it vibrates) and run the command again." : null;
            default -> null;
        };
        return next == null ? Optional.empty() : Optional.of(new FlowFailure(Reason.PHONE_NOT_ANSWERING, "The phone is in "
                + mode.label() + ", where this method works, but it does not answer over USB.", next));
    }

    /**
     * The strongest method the phone's state allows, or the one asked for if the state allows it.
     * Throws a named failure when it does not.
     */
    static Choice choose(Method requested, Mode mode, DeviceInfo info, boolean answers, Optional<Path> ffu) {
        if (mode != null && mode.isEmergencyDownload()) {
            throw new FlowFailure(Reason.NOT_SUPPORTED_IN_MODE, "The phone is in Qualcomm emergency download (9008): "
                    + "no reset method reaches it there.", "Use `lumia-agent emergency` to rewrite it, or hold Volume-Down + Power to restart it first.");
        }
        boolean flashApp = mode == Mode.UEFI && info.text(InfoField.UEFI_APP).map("flash app"::equals).orElse(false);
        boolean flashIncomplete = Boolean.TRUE.equals(info.get(InfoField.FLASHING_INCOMPLETE).orElse(false));
        if (mode != null && !answers) {
            Optional<FlowFailure> hung = notAnswering(requested, mode);
            if (hung.isPresent()) {
                throw hung.get();
            }
        }
        switch (requested) {
            case SETTINGS:
                if (mode != Mode.NORMAL) {
                    throw new FlowFailure(Reason.NOT_SUPPORTED_IN_MODE, "A reset from Settings needs the phone running its OS and answering; it is "
                            + (mode == null ? "not on the port" : "in " + mode.label() + (answers ? "" : " and does not answer")) + ".",
                            "Use --method keys (the key sequence works on an unresponsive phone), or --method auto.");
                }
                return new Choice(Method.SETTINGS, "asked for; the phone runs its OS");
            case KEYS:
                return new Choice(Method.KEYS, "asked for");
            case USB_WIPE:
                if (mode != Mode.UEFI) {
                    throw new FlowFailure(Reason.NOT_SUPPORTED_IN_MODE, "usb-wipe needs the phone in its UEFI flash app; it is "
                            + (mode == null ? "not on the port" : "in " + mode.label()) + ".",
                            "Boot it into the flash app (with the phone off, hold Volume-Up and plug it in), or use --method auto.");
                }
                return new Choice(Method.USB_WIPE, "asked for; the phone is in UEFI");
            case REFLASH:
                if (mode == null || !answers || mode == Mode.MASS_STORAGE || mode == Mode.EMERGENCY_CHARGING) {
                    throw new FlowFailure(Reason.NOT_SUPPORTED_IN_MODE, "A reflash needs the phone answering in normal, label or UEFI mode; it is "
                            + (mode == null ? "not on the port" : "in " + mode.label() + (answers ? "" : " and does not answer")) + ".",
                            "Restart it (hold Volume-Down + Power until it vibrates), charge it if it is flat, then run the command again.");
                }
                if (ffu.isEmpty()) {
                    throw new FlowFailure(Reason.FFU_INVALID, "No FFU for this phone: none was given and the firmware library has none for "
                            + info.text(InfoField.PRODUCT_TYPE).orElse("its product type") + ".",
                            "Give the stock FFU with --ffu FILE, or put it in the firmware library.");
                }
                return new Choice(Method.REFLASH, "asked for, with " + ffu.get().getFileName());
            default:
                break;
        }
        if (mode == null) {
            return new Choice(Method.KEYS, "no phone on the port: only its keys can start a reset");
        }
        if (answers && ffu.isPresent() && (mode == Mode.NORMAL || mode == Mode.LABEL || mode == Mode.UEFI)) {
            return new Choice(Method.REFLASH, "an FFU for this phone is at hand (" + ffu.get().getFileName()
                    + "): a reflash returns it to the factory state, OS version included");
        }
        if (flashApp && flashIncomplete) {
            throw new FlowFailure(Reason.NOT_SUPPORTED_IN_MODE, "The phone's last flash did not finish: it boots into its flash app "
                    + "every time, so only a reflash can reset it, and no FFU was given or found.",
                    "Run hard-reset --method reflash --ffu FILE with the stock FFU for this phone (or put it in the firmware library).");
        }
        if (flashApp && answers) {
            return new Choice(Method.USB_WIPE, "the phone is in its UEFI flash app: erase the user Data partition over USB");
        }
        if (mode == Mode.NORMAL && answers) {
            return new Choice(Method.SETTINGS, "the phone runs its OS and answers: the owner resets it from Settings");
        }
        if (mode == Mode.EMERGENCY_CHARGING) {
            return new Choice(Method.KEYS, "the phone shows up only as emergency charging");
        }
        return new Choice(Method.KEYS, mode == Mode.NORMAL || mode == Mode.LABEL || mode == Mode.UEFI
                ? (answers ? "in " + mode.label() + " no reset is possible over USB" : "the phone does not answer over USB")
                + ": its keys start the reset"
                : "in " + mode.label() + " the phone offers nothing to reset over USB: its keys start the reset");
    }

    /** Null when the phone does not answer (a hung OS or app). */
    private DeviceInfo readPhone(FlowContext ctx, UsbDevice d) {
        Mode mode = d.personality().mode();
        try {
            if (mode == Mode.NORMAL || mode == Mode.LABEL) {
                // A phone that answers does so well within 2 s (WDRT allows 500 ms); a hung one never does.
                try (NormalPhone phone = Phones.openNormal(ctx.bus(), d, Duration.ofSeconds(2))) {
                    return phone.readInfo();
                }
            }
            if (mode == Mode.UEFI || mode == Mode.EMERGENCY_CHARGING || mode == Mode.MASS_STORAGE) {
                return InfoReader.read(ctx.bus(), d);
            }
            return InfoReader.fromBus(d);
        } catch (TransferTimeout e) {
            ctx.progress(READ_PHONE, -1, "the phone does not answer over USB (" + e.getMessage() + ")");
            return null;
        }
    }

    private void preFlight(FlowContext ctx, Method method, Mode mode, DeviceInfo info) throws InterruptedException {
        ctx.step(PRE_FLIGHT, "battery, backup and reset-protection warnings, and consent, before anything is erased",
                Duration.ofMinutes(10), () -> {
                    boolean dead = mode == Mode.EMERGENCY_CHARGING;
                    GateResult battery = Gates.battery(info, dead);
                    record(ctx, battery);
                    if (battery.blocks()) {
                        throw new FlowFailure(dead ? Reason.BATTERY_DEAD : Reason.BATTERY_LOW, "Battery gate: " + battery.detail() + ".",
                                battery.nextStep());
                    }
                    record(ctx, Gates.backupWarning());
                    record(ctx, Gates.resetProtection(info));
                    GateResult c = Gates.consent(consent, "Hard-reset the phone on " + ctx.port() + " by " + method.key() + ".");
                    record(ctx, c);
                    if (c.blocks()) {
                        throw new FlowFailure(Reason.NO_CONSENT, "Nothing was erased: " + c.detail() + ".", c.nextStep());
                    }
                    return null;
                });
    }

    private void wipeData(FlowContext ctx, UsbDevice device) throws InterruptedException {
        try (UefiPhone phone = Phones.openUefi(ctx.bus(), device)) {
            ctx.step(ERASE_DATA, "usb-wipe: erase the user Data partition (NOKXFP \"Data\"): apps, messages, pictures, settings; "
                    + "not the modem NV, the OS version or reset protection", Duration.ofSeconds(60), () -> {
                        if (phone.app() != NokApp.FLASH_APP && !phone.switchTo(NokSwitchTarget.FLASH_APP).isOk()) {
                            throw new FlowFailure(Reason.NOT_SUPPORTED_IN_MODE, "The phone runs its " + phone.app().traceName()
                                    + " and would not switch to the flash app, where Data can be erased.",
                                    "Use --method keys, or boot it into the flash app (with the phone off, hold Volume-Up and plug it in).");
                        }
                        NokResult<NokAck> r = phone.erasePartition("Data");
                        if (r instanceof NokResult.Ok) {
                            // NOKXFP erases one partition by name (lumia-protocols.md §3.2, §6.3): the flash app's zero
                            // status is the only sign of the erase the host gets.
                            ctx.evidence(Evidence.erased(Evidence.USB_WIPE, "the flash app erased the partition named Data (NOKXFP \"Data\"): "
                                    + USB_WIPE_SCOPE));
                            ctx.evidence(Evidence.passed(Evidence.ERASE_ACKNOWLEDGED, "the flash app acknowledged NOKXFP \"Data\": "
                                    + ((NokResult.Ok<NokAck>) r).value()));
                        }
                        if (r instanceof NokResult.Refused) {
                            NokResult.Refused<NokAck> refused = (NokResult.Refused<NokAck>) r;
                            ctx.evidence(Evidence.failed(Evidence.ERASE_ACKNOWLEDGED, "the flash app refused NOKXFP \"Data\" with status "
                                    + refused.status() + ": nothing is known to be erased"));
                            throw new FlowFailure(Reason.DEVICE_REJECTED, "The flash app refused to erase Data: " + refused.status() + ".",
                                    "Use --method keys, or reflash the phone (--method reflash).");
                        }
                        if (r instanceof NokResult.Unsupported) {
                            ctx.evidence(Evidence.failed(Evidence.ERASE_ACKNOWLEDGED, "the flash app answered NOKU (unknown command) to "
                                    + "NOKXFP \"Data\": nothing was erased"));
                            throw new FlowFailure(Reason.UNSUPPORTED_COMMAND, "The flash app answered NOKU to NOKXFP \"Data\".",
                                    "Use --method keys, or reflash the phone (--method reflash).");
                        }
                        return null;
                    });
            // NOKR's write may take the 5 s reply timeout, then the session listens 1 s for an answer.
            ctx.step(REBOOT, "restart the phone into its OS (NOKR)", Duration.ofSeconds(10), () -> {
                phone.reboot();
                return null;
            });
        }
    }

    private Outcome reflash(FlowContext ctx, Path path) throws InterruptedException {
        FfuFile file;
        try {
            file = FfuFile.open(path);
        } catch (IOException | RuntimeException e) {
            throw new FlowFailure(Reason.FFU_INVALID, "Could not open " + path + " as an FFU: " + e.getMessage() + ". Nothing was written.",
                    "Check it with `lumia-agent ffu inspect`, or download it again.");
        }
        try (file) {
            ReflashFlow delegate = new ReflashFlow(start.orElseThrow(), file, path.getFileName().toString(), consent, reflashBounds);
            // ReadPhone and ChooseMethod ran (the job file holds their steps): the plan keeps them, then the reflash's own
            // steps, under this flow's name (the fault matrix's hard-reset --method reflash row found the plan without them).
            List<String> whole = new ArrayList<>(List.of(READ_PHONE, CHOOSE_METHOD));
            whole.addAll(delegate.plan());
            ctx.planned(name(), whole);
            try {
                Outcome o = delegate.run(ctx);
                return new Outcome(o.reason(), "Hard reset by reflash (factory state): " + o.summary(), o.nextStep());
            } finally {
                gates.addAll(delegate.gates());
            }
        } catch (IOException e) {
            return Outcome.done("Hard reset by reflash finished; closing " + path.getFileName() + " failed: " + e.getMessage());
        }
    }

    private void awaitLeave(FlowContext ctx, PhoneWatcher watcher, Duration bound, String what, String next) throws InterruptedException {
        ctx.step(AWAIT_LEAVE, "wait for the phone to restart into the reset (leave the USB bus)", bound, () -> {
            boolean left = watcher.awaitLeave(ctx.within(bound), watcher.reporting(ctx, AWAIT_LEAVE, "the phone to restart"));
            if (!left) {
                throw new FlowFailure(Reason.PHONE_DID_NOT_LEAVE, "The phone on " + ctx.port() + " did not restart within "
                        + PhoneWatcher.human(bound) + ": " + what + ".", next);
            }
            return null;
        });
    }

    /**
     * What AwaitResetFinish checked: a factory reset's {@link Evidence#RESET_OBSERVED}; after a usb-wipe there was no
     * reset to watch, only the restart, so its check is {@link Evidence#BOOTED_OS}.
     */
    private static Evidence resetChecked(Method method, boolean ok, String detail) {
        String check = method == Method.USB_WIPE ? Evidence.BOOTED_OS : Evidence.RESET_OBSERVED;
        return ok ? Evidence.passed(check, detail) : Evidence.failed(check, detail);
    }

    private static String restarts(int n) {
        return n + (n == 1 ? " restart" : " restarts") + " into other modes seen meanwhile";
    }

    private UsbDevice awaitReset(FlowContext ctx, PhoneWatcher watcher, Method method, Instant began, Instant left)
            throws InterruptedException {
        Duration bound = method == Method.USB_WIPE ? bounds.resetFinish().compareTo(Duration.ofMinutes(30)) < 0
                ? bounds.resetFinish() : Duration.ofMinutes(30) : bounds.resetFinish();
        return ctx.step(AWAIT_RESET, method == Method.USB_WIPE
                ? "wait for the phone's first start after the wipe"
                : "wait for the reset to finish: spinning gears, then the first start (usually under 30 minutes, rarely hours)", bound, () -> {
            AtomicInteger restarts = new AtomicInteger();
            java.util.concurrent.atomic.AtomicReference<Mode> lastArrived = new java.util.concurrent.atomic.AtomicReference<>();
            Bus.Subscription sub = ctx.bus().watch(e -> {
                if (e instanceof BusEvent.Attached && e.device().port().equals(ctx.port())) {
                    lastArrived.set(e.device().personality().mode());
                }
                if (e instanceof BusEvent.Attached && e.device().port().equals(ctx.port()) && e.device().personality().mode() != Mode.NORMAL) {
                    restarts.incrementAndGet();
                }
            });
            Optional<UsbDevice> back;
            try {
                back = watcher.awaitArrival(d -> d.personality().mode() == Mode.NORMAL, ctx.within(bound), (w, b) -> ctx.waiting(AWAIT_RESET,
                        w, b, "resetting" + watcher.current().map(d -> " (now: " + d.personality().mode().label() + ")")
                                .orElse(" (gears; the phone is off the bus)") + (restarts.get() > 0 ? ", restarted " + restarts.get()
                                + (restarts.get() == 1 ? " time" : " times") : "")));
            } finally {
                sub.close();
            }
            int n = restarts.get();
            Instant end = ctx.clock().now();
            String leftAt = left == null ? "the phone was not on the port when the reset was asked for, so it was not seen leaving for it"
                    : "the phone left the USB bus " + PhoneWatcher.human(Duration.between(began, left)) + " after the "
                    + (method == Method.USB_WIPE ? "wipe was asked for" : "reset was asked for");
            if (back.isPresent()) {
                String backIn = "back in normal mode " + PhoneWatcher.human(Duration.between(left == null ? began : left, end))
                        + (left == null ? " after the reset was asked for" : " later") + ", " + restarts(n);
                if (method == Method.USB_WIPE) {
                    ctx.evidence(resetChecked(method, true, "the phone left the flash app and booted its OS after the wipe: " + leftAt
                            + ", " + backIn));
                } else {
                    // Not seen leaving (no phone on the port for the keys): the reset was not watched, so the check fails.
                    ctx.evidence(resetChecked(method, left != null, leftAt + "; " + backIn));
                }
                return back.get();
            }
            Optional<UsbDevice> now = watcher.current();
            String where = now.map(d -> "it is in " + d.personality().mode().label() + " now").orElse("it is off the bus now");
            ctx.evidence(resetChecked(method, false, leftAt + "; it was not back in normal mode within " + PhoneWatcher.human(bound)
                    + " (" + where + ", " + restarts(n) + ")"));
            // The reset-loop verdict needs the phone seen resetting: a phone off the bus that never came back, or one
            // that shows only emergency charging, is not evidence of the bug (the fault matrix: a pulled cable or a
            // dead battery during the reset was reported as the reset-loop bug, with a reflash as the next step).
            // A charging phone is off the bus for a moment every 8 s: the last arrival tells then.
            if (now.map(d -> d.personality().mode()).orElse(lastArrived.get()) == Mode.EMERGENCY_CHARGING) {
                throw new FlowFailure(Reason.BATTERY_DEAD, "The phone on " + ctx.port() + " shows up only as Qualcomm emergency charging "
                        + "(05C6:F006) during its " + method.key() + " reset: its battery is dead.",
                        "Charge it for at least 20 minutes with a wall charger, then plug it in again and check it with `lumia-agent info`.");
            }
            if (now.isEmpty() && n == 0) {
                throw new FlowFailure(Reason.PHONE_DID_NOT_RETURN, "The phone on " + ctx.port() + " did not come back within "
                        + PhoneWatcher.human(bound) + " of its " + method.key() + " reset, and it was not seen on the bus meanwhile.",
                        "Check the cable and the phone's screen; if the reset is still running, wait for the first-start setup. "
                                + "If the phone is stuck, run hard-reset again.");
            }
            String seen = now.map(d -> "it is in " + d.personality().mode().label() + " now")
                    .orElse("it is off the bus now");
            throw new FlowFailure(Reason.RESET_NEVER_FINISHED, "The " + method.key() + " reset of the phone on " + ctx.port()
                    + " did not finish within " + PhoneWatcher.human(bound) + ": " + (n > 0 ? "the phone restarted " + n
                    + (n == 1 ? " time" : " times") + " without reaching normal mode, " : "it never came back in normal mode, ") + seen
                    + ". Some Lumias have a bug where the factory reset never finishes.",
                    "Reflash the phone with its stock FFU (lumia-agent hard-reset --method reflash --ffu FILE, or lumia-agent reflash): "
                            + "to reach the flash app, hold Volume-Down + Power until it vibrates, then hold Volume-Up. Check the cable too.");
        });
    }


    private void record(FlowContext ctx, GateResult g) {
        gates.add(g);
        ctx.gate(g);
    }

}
