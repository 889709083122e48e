package dev.lumiaagent.flow;

import dev.lumiaagent.device.NormalPhone;
import dev.lumiaagent.device.PhoneIdentity;
import dev.lumiaagent.device.Phones;
import dev.lumiaagent.device.UefiPhone;
import dev.lumiaagent.protocol.ncsd.NcsdError;
import dev.lumiaagent.transport.TransferTimeout;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The soft reset — the "extended reboot" (reset-procedures.md): over USB when the phone answers
 * (normal/label: {@code SetDeviceMode Normal + HwReset}; UEFI: {@code NOKR}), otherwise the guided key
 * sequence, watched over USB. Either way the agent waits for the phone to leave and come back in
 * normal mode, then confirms it is the same phone.
 */
public final class SoftResetFlow implements FlowRunner.Flow {
    public static final String READ_IDENTITY = "ReadIdentity";
    public static final String SEND_RESET = "SendReset";
    public static final String GUIDED_KEYS = "GuidedKeyReset";
    public static final String AWAIT_LEAVE = "AwaitLeave";
    public static final String AWAIT_RETURN = "AwaitReturn";
    public static final String CONFIRM_IDENTITY = Identities.CONFIRM_IDENTITY;

    static final List<String> KEY_INSTRUCTIONS = List.of(
            "Hold Volume-Down and Power together until the phone vibrates (about 10 seconds), then let go.",
            "Do not touch the screen, not even when \"slide down to power off\" appears.",
            "Keep the phone plugged in: the agent watches it restart over USB.");

    private final Optional<UsbDevice> start;
    private final Bounds bounds;
    private final List<String> plan;

    /** How long each wait may take, on the flow's clock. */
    public record Bounds(Duration leave, Duration guidedLeave, Duration returnToOs, Duration identityRead) {
        public static Bounds standard() {
            return new Bounds(Duration.ofSeconds(60), Duration.ofMinutes(3), Duration.ofMinutes(5), Duration.ofSeconds(20));
        }
    }

    /** @param start the phone as it is on the port now, or empty when nothing is there */
    public SoftResetFlow(Optional<UsbDevice> start, Bounds bounds) {
        this.start = start;
        this.bounds = bounds;
        this.plan = start.isPresent() && answersOverUsb(start.get().personality().mode())
                ? List.of(READ_IDENTITY, SEND_RESET, AWAIT_LEAVE, AWAIT_RETURN, CONFIRM_IDENTITY)
                : List.of(GUIDED_KEYS, AWAIT_LEAVE, AWAIT_RETURN, CONFIRM_IDENTITY);
    }

    private static boolean answersOverUsb(Mode mode) {
        return mode == Mode.NORMAL || mode == Mode.LABEL || mode == Mode.UEFI;
    }

    @Override
    public String name() {
        return "soft-reset";
    }

    @Override
    public List<String> plan() {
        return plan;
    }

    @Override
    public Outcome run(FlowContext ctx) throws InterruptedException {
        if (start.isPresent() && start.get().personality().mode() == Mode.EMERGENCY_CHARGING) {
            throw new FlowFailure(Reason.BATTERY_DEAD, "The phone on " + ctx.port() + " shows up only as Qualcomm emergency "
                    + "charging (05C6:F006): its battery is dead, so it cannot restart.",
                    "Charge the phone for at least 20 minutes (wall charger), then run the soft reset again.");
        }
        try (PhoneWatcher watcher = new PhoneWatcher(ctx.bus(), ctx.clock(), ctx.port())) {
            PhoneIdentity before = null;
            boolean guided = !plan.contains(SEND_RESET);
            if (!guided) {
                UsbDevice device = start.orElseThrow();
                before = readIdentity(ctx, device);
                if (before == null) {
                    guided = true;
                    // ReadIdentity ran (and is in the job file's steps): the plan keeps it, as the hard reset's keeps ReadPhone.
                    ctx.planned(name(), List.of(READ_IDENTITY, GUIDED_KEYS, AWAIT_LEAVE, AWAIT_RETURN, CONFIRM_IDENTITY));
                } else {
                    sendReset(ctx, device);
                }
            }
            if (guided) {
                ctx.step(GUIDED_KEYS, "the phone does not answer over USB: reset it with its keys", Duration.ZERO, () -> {
                    ctx.actionRequired(GUIDED_KEYS, KEY_INSTRUCTIONS);
                    return null;
                });
            }
            Duration leaveBound = guided ? bounds.guidedLeave() : bounds.leave();
            boolean phoneWasThere = start.isPresent();
            if (phoneWasThere) {
                awaitLeave(ctx, watcher, leaveBound, guided);
            }
            UsbDevice back = awaitReturn(ctx, watcher, guided && !phoneWasThere ? bounds.guidedLeave().plus(bounds.returnToOs())
                    : bounds.returnToOs());
            PhoneIdentity after = Identities.confirm(ctx, back, before, "reset", bounds.identityRead());
            String who = after.isKnown() ? " (" + after + ")" : "";
            return Outcome.done("The phone on " + ctx.port() + who + " restarted and is back in normal mode"
                    + (guided ? ", after the key reset." : "."));
        }
    }

    /** Null when the phone does not answer: the flow then falls back to the guided key reset. */
    private PhoneIdentity readIdentity(FlowContext ctx, UsbDevice device) throws InterruptedException {
        return ctx.step(READ_IDENTITY, "read who the phone is before it restarts", bounds.identityRead(), () -> {
            try {
                if (device.personality().mode() == Mode.UEFI) {
                    try (UefiPhone phone = Phones.openUefi(ctx.bus(), device)) {
                        return phone.identity();
                    }
                }
                // A phone that answers does so well within 2 s (WDRT allows 500 ms); a hung one never does.
                try (NormalPhone phone = Phones.openNormal(ctx.bus(), device, Duration.ofSeconds(2))) {
                    return phone.identity();
                }
            } catch (TransferTimeout e) {
                ctx.progress(READ_IDENTITY, -1, "the phone does not answer over USB (" + e.getMessage() + ")");
                return null;
            }
        });
    }

    private void sendReset(FlowContext ctx, UsbDevice device) throws InterruptedException {
        boolean uefi = device.personality().mode() == Mode.UEFI;
        ctx.step(SEND_RESET, uefi ? "ask the UEFI app to reboot (NOKR)" : "ask the phone to reboot (SetDeviceMode Normal, HwReset)",
                // The request's write may take its 5 s timeout, then the reply is listened for (0.5 s NCSD, 1 s NOK).
                Duration.ofSeconds(10), () -> {
                    if (uefi) {
                        try (UefiPhone phone = Phones.openUefi(ctx.bus(), device)) {
                            phone.rebootToOs();
                        }
                    } else {
                        try (NormalPhone phone = Phones.openNormal(ctx.bus(), device)) {
                            Optional<NcsdError> refused = phone.reboot();
                            if (refused.isPresent()) {
                                throw new FlowFailure(Reason.DEVICE_REJECTED, "The phone on " + ctx.port() + " refused the reset: "
                                        + refused.get() + ".",
                                        "Reset it with its keys instead: hold Volume-Down and Power until it vibrates (lumia-agent soft-reset guides you when the phone does not answer).");
                            }
                        }
                    }
                    return null;
                });
    }

    private void awaitLeave(FlowContext ctx, PhoneWatcher watcher, Duration bound, boolean guided) throws InterruptedException {
        ctx.step(AWAIT_LEAVE, "wait for the phone to restart (leave the USB bus)", bound, () -> {
            boolean left = watcher.awaitLeave(ctx.within(bound), watcher.reporting(ctx, AWAIT_LEAVE, "the phone to leave the bus"));
            if (!left) {
                throw guided
                        ? new FlowFailure(Reason.PHONE_DID_NOT_LEAVE, "The phone on " + ctx.port() + " did not restart within "
                        + bound.toSeconds() + " s of the key-reset instructions.",
                        "Hold Volume-Down and Power together for a full 10-15 seconds until it vibrates, then run soft-reset again.")
                        : new FlowFailure(Reason.PHONE_DID_NOT_LEAVE, "The phone on " + ctx.port() + " accepted the reset but did not "
                        + "restart within " + bound.toSeconds() + " s.",
                        "Run soft-reset again; if the phone still does not restart, use the key reset: hold Volume-Down and Power until it vibrates.");
            }
            return null;
        });
    }

    private UsbDevice awaitReturn(FlowContext ctx, PhoneWatcher watcher, Duration bound) throws InterruptedException {
        return ctx.step(AWAIT_RETURN, "wait for the phone to come back in normal mode", bound, () -> {
            Optional<UsbDevice> back = watcher.awaitArrival(d -> d.personality().mode() == Mode.NORMAL, ctx.within(bound),
                    watcher.reporting(ctx, AWAIT_RETURN, "normal mode"));
            if (back.isPresent()) {
                return back.get();
            }
            Optional<UsbDevice> now = watcher.current();
            if (now.isPresent()) {
                UsbDevice d = now.get();
                String next = d.personality().mode() == Mode.UEFI
                        ? "The phone keeps coming back in its UEFI flash/boot app, usually because its last flash did not finish: reflash it with the stock FFU (lumia-agent reflash)."
                        : "Check the phone's screen; run `lumia-agent info` to see what it is doing, then try soft-reset again.";
                throw new FlowFailure(Reason.RETURNED_IN_WRONG_MODE, "The phone on " + ctx.port() + " came back in "
                        + d.personality().mode().label() + " (" + d.vidPid() + "), not in normal mode, and stayed there for "
                        + bound.toSeconds() + " s.", next);
            }
            throw new FlowFailure(Reason.PHONE_DID_NOT_RETURN, "The phone on " + ctx.port() + " did not come back on the USB bus within "
                    + bound.toSeconds() + " s.",
                    "Check the cable and the phone's screen. If it is dark, hold Volume-Down and Power for 10 seconds; if it shows a charging or red screen, charge it first.");
        });
    }



}
