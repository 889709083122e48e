package dev.lumiaagent.protocol.firehose;

import java.util.Map;

/** {@code <nop />}: the liveness probe; also edl's detection probe (§3.4, §7). */
public record FirehoseNop() implements FirehoseCommand {
    @Override
    public String element() {
        return "nop";
    }

    @Override
    public Map<String, String> attributes() {
        return Map.of();
    }

    @Override
    public String toString() {
        return "nop";
    }
}
