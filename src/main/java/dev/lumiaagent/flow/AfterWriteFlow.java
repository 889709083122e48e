package dev.lumiaagent.flow;

import dev.lumiaagent.device.PhoneIdentity;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The end of a reflash, emergency reflash or hard reset whose write had finished when the agent stopped
 * (the job file's checkpoint says so, and the phone is not in a flash mode now, so the checkpoint is still
 * true): wait for the phone to boot its OS, then confirm it is the job's phone. Writes nothing: flashing a
 * phone again after a finished write costs minutes and wears its eMMC for nothing.
 */
public final class AfterWriteFlow implements FlowRunner.Flow {
    public static final String AWAIT_RETURN = "AwaitReturn";
    public static final String CONFIRM_IDENTITY = Identities.CONFIRM_IDENTITY;

    /** How long the phone may take to boot after its write; a first boot after a flash takes minutes. */
    public record Bounds(Duration returnToOs, Duration identityRead) {
        public static Bounds standard() {
            return new Bounds(Duration.ofMinutes(10), Duration.ofSeconds(30));
        }
    }

    private final String job;
    private final String writtenAt;
    private final PhoneIdentity expected;
    private final Bounds bounds;

    /**
     * @param job the job's command, for the messages
     * @param writtenAt when the write finished, from the checkpoint
     * @param expected the job's phone
     */
    public AfterWriteFlow(String job, String writtenAt, PhoneIdentity expected, Bounds bounds) {
        this.job = job;
        this.writtenAt = writtenAt;
        this.expected = expected;
        this.bounds = bounds;
    }

    @Override
    public String name() {
        return job;
    }

    @Override
    public List<String> plan() {
        return List.of(AWAIT_RETURN, CONFIRM_IDENTITY);
    }

    @Override
    public Outcome run(FlowContext ctx) throws InterruptedException {
        UsbDevice back;
        try (PhoneWatcher watcher = new PhoneWatcher(ctx.bus(), ctx.clock(), ctx.port())) {
            back = ctx.step(AWAIT_RETURN, "the write finished at " + writtenAt + "; wait for the phone to boot its OS",
                    bounds.returnToOs(), () -> {
                        // An emergency write ends with the phone in its boot manager (UEFI) or its OS; other jobs end in the OS.
                        Optional<UsbDevice> normal = watcher.awaitArrival(d -> d.personality().mode() == Mode.NORMAL
                                        || job.equals("emergency") && d.personality().mode() == Mode.UEFI, bounds.returnToOs(),
                                watcher.reporting(ctx, AWAIT_RETURN, "normal mode"));
                        return normal.orElseThrow(() -> {
                            Optional<UsbDevice> now = watcher.current();
                            return now.isPresent()
                                    ? new FlowFailure(Reason.RETURNED_IN_WRONG_MODE, "The write had finished, but the phone is in "
                                    + now.get().personality().mode().label() + " and did not boot its OS within "
                                    + PhoneWatcher.human(bounds.returnToOs()) + ".",
                                    "Run the job again: `lumia-agent resume` flashes it again from the mode it is in.")
                                    : new FlowFailure(Reason.PHONE_DID_NOT_RETURN, "The write had finished, but the phone did not come back "
                                    + "within " + PhoneWatcher.human(bounds.returnToOs()) + ".",
                                    "Check the cable and the screen; hold Volume-Down + Power for 10 s if it is dark, then run resume again.");
                        });
                    });
        }
        PhoneIdentity after = Identities.confirm(ctx, back, expected.isKnown() ? expected : null, "written", bounds.identityRead());
        return Outcome.done("The phone on " + ctx.port() + (after.isKnown() ? " (" + after + ")" : "") + " finished its " + job
                + ": its write had completed at " + writtenAt + " and it is back in " + back.personality().mode().label()
                + "; nothing was written again.");
    }
}
