package dev.lumiaagent.protocol.firehose;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Any command element this codec has no record for ({@code peek}, {@code setbootablestoragedrive}, vendor ones). */
public record FirehoseOtherCommand(String element, Map<String, String> attributes) implements FirehoseCommand {
    public FirehoseOtherCommand {
        Objects.requireNonNull(element, "element");
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    @Override
    public String toString() {
        return element + " " + attributes;
    }
}
