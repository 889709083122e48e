package dev.lumiaagent.flow;

import dev.lumiaagent.device.NormalPhone;
import dev.lumiaagent.device.PhoneIdentity;
import dev.lumiaagent.device.Phones;
import dev.lumiaagent.transport.TransferTimeout;
import dev.lumiaagent.transport.UsbDevice;
import java.time.Duration;

/** Reading a phone's identity in normal mode right after it booted, shared by the flows. */
final class Identities {
    private Identities() {
    }

    /**
     * The OS may not answer JSON-RPC the moment it enumerates (lumia-protocols.md §5): three short
     * tries, 2 s apart on the flow's clock. Null when it never answered.
     */
    static final String CONFIRM_IDENTITY = "ConfirmIdentity";

    /**
     * The {@code ConfirmIdentity} step every flow ends with: reads the phone that came back and fails
     * with {@code DIFFERENT_PHONE} when a key both sides know differs (DESIGN §3). An identity that
     * cannot be read yet is not a failure: the result is then unknown, said in the progress line.
     *
     * @param before the phone before the job, or null when its mode did not tell
     * @param did what the job did to the phone, for the message ("reset", "flashed")
     */
    static PhoneIdentity confirm(FlowContext ctx, UsbDevice back, PhoneIdentity before, String did, Duration bound)
            throws InterruptedException {
        return ctx.step(CONFIRM_IDENTITY, "confirm it is the same phone", bound, () -> {
            PhoneIdentity after = afterBoot(ctx, back);
            ctx.evidence(samePhone(before, after, did));
            if (before != null && after != null && before.compare(after) == PhoneIdentity.Match.DIFFERENT) {
                throw new FlowFailure(Reason.DIFFERENT_PHONE, "A different phone (" + after + ") is on " + ctx.port()
                        + " now; the phone that was " + did + " was " + before + ".",
                        "Keep each phone on its own port during a job; find the original phone and check it with `lumia-agent info`.");
            }
            if (after == null) {
                ctx.progress(CONFIRM_IDENTITY, -1, "the phone is back but did not tell its identity yet");
                return new PhoneIdentity(null, null);
            }
            return after;
        });
    }

    /**
     * The {@link Evidence#SAME_PHONE} check: which keys were compared, and what each side said. The rule is
     * {@link PhoneIdentity#compare}'s (DESIGN §3); only a SAME verdict passes: a phone that could not be compared
     * is not proven the same.
     */
    static Evidence samePhone(PhoneIdentity before, PhoneIdentity after, String did) {
        if (before == null || !before.isKnown() && before.usbSerial() == null) {
            return Evidence.failed(Evidence.SAME_PHONE, "not compared: the phone told nothing of itself before it was " + did
                    + " (no IMEI, public ID or USB serial)" + (after != null && after.isKnown() ? "; " + keys(after) + " came back" : ""));
        }
        if (after == null || !after.isKnown() && after.usbSerial() == null) {
            return Evidence.failed(Evidence.SAME_PHONE, "not compared: the phone that came back did not tell its identity; before it was "
                    + did + " it was " + keys(before));
        }
        PhoneIdentity.Match m = before.compare(after);
        String compared = compared(before, after);
        if (m == PhoneIdentity.Match.SAME) {
            return Evidence.passed(Evidence.SAME_PHONE, keys(after) + " as before it was " + did + " (compared: " + compared + ")");
        }
        if (m == PhoneIdentity.Match.DIFFERENT) {
            return Evidence.failed(Evidence.SAME_PHONE, "a different phone came back: " + keys(after) + ", but the phone that was " + did
                    + " was " + keys(before) + " (compared: " + compared + ")");
        }
        return Evidence.failed(Evidence.SAME_PHONE, "not compared: no key both sides tell (before: " + keys(before) + "; after: "
                + keys(after) + ")");
    }

    /** The keys a side told, in the words of a certificate: "IMEI … / public ID …". */
    private static String keys(PhoneIdentity id) {
        java.util.List<String> k = new java.util.ArrayList<>();
        if (id.imei() != null) {
            k.add("IMEI " + id.imei());
        }
        if (id.publicId() != null) {
            k.add("public ID " + id.publicId());
        }
        if (k.isEmpty() && id.usbSerial() != null) {
            k.add("USB serial " + id.usbSerial());
        }
        return k.isEmpty() ? "no identity" : String.join(" / ", k);
    }

    /** The keys both sides told, the ones {@link PhoneIdentity#compare} decided on. */
    private static String compared(PhoneIdentity a, PhoneIdentity b) {
        java.util.List<String> k = new java.util.ArrayList<>();
        if (a.imei() != null && b.imei() != null) {
            k.add("IMEI");
        }
        if (a.publicId() != null && b.publicId() != null) {
            k.add("public ID");
        }
        if (k.isEmpty() && a.usbSerial() != null && a.usbSerial().equals(b.usbSerial())) {
            k.add("USB serial");
        }
        return String.join(" and ", k);
    }

    static PhoneIdentity afterBoot(FlowContext ctx, UsbDevice back) throws InterruptedException {
        if (back.personality().mode() != dev.lumiaagent.transport.discovery.Mode.NORMAL && back.personality().mode() != dev.lumiaagent.transport.discovery.Mode.LABEL) {
            return null; // back in its boot manager (an emergency write's end): its mode does not tell who it is
        }
        for (int attempt = 1; attempt <= 3; attempt++) {
            try (NormalPhone phone = Phones.openNormal(ctx.bus(), back, Duration.ofSeconds(3))) {
                return phone.identity();
            } catch (TransferTimeout e) {
                ctx.clock().sleep(Duration.ofSeconds(2));
            }
        }
        return null;
    }
}
