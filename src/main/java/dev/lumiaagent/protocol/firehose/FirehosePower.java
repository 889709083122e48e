package dev.lumiaagent.protocol.firehose;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * {@code <power value="reset|off|edl">}: ACK, maybe logs, then the device leaves the bus (§3.4, §5).
 * {@code DelayInSeconds} is optional (qdl sends 10).
 */
public record FirehosePower(String value, OptionalInt delayInSeconds) implements FirehoseCommand {
    public FirehosePower {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(delayInSeconds, "delayInSeconds");
        if (value.isBlank()) {
            throw new IllegalArgumentException("power value is empty");
        }
        if (delayInSeconds.isPresent() && delayInSeconds.getAsInt() < 0) {
            throw new IllegalArgumentException("negative delay");
        }
    }

    public static FirehosePower reset() {
        return new FirehosePower("reset", OptionalInt.empty());
    }

    @Override
    public String element() {
        return "power";
    }

    @Override
    public Map<String, String> attributes() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("value", value);
        delayInSeconds.ifPresent(d -> a.put("DelayInSeconds", Integer.toString(d)));
        return a;
    }

    static FirehosePower from(FirehoseAttributes a) {
        OptionalInt delay = a.optional("DelayInSeconds").isPresent()
                ? OptionalInt.of((int) Math.min(Integer.MAX_VALUE, a.number("DelayInSeconds"))) : OptionalInt.empty();
        return new FirehosePower(a.text("value"), delay);
    }

    @Override
    public String toString() {
        return "power " + value + (delayInSeconds.isPresent() ? " in " + delayInSeconds.getAsInt() + " s" : "");
    }
}
