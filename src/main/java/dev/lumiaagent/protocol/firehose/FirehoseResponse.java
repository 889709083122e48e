package dev.lumiaagent.protocol.firehose;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code <response value="ACK|NAK" …/>} with the logs the programmer sent around it (§3.1). A NAK is
 * a value, not an exception (DESIGN §4): {@link #nakReason()} names it from the logs.
 *
 * @param ack        {@code value="ACK"}, or edl's {@code value="true"}
 * @param attributes every attribute but {@code value}, in wire order ({@code rawmode}, sizes, …)
 * @param logsBefore logs read since the previous response
 * @param logsAfter  logs drained after this response, before the next command (MSM8916 logs late, §3.1)
 */
public record FirehoseResponse(boolean ack, Map<String, String> attributes, List<FirehoseLog> logsBefore,
                               List<FirehoseLog> logsAfter) implements FirehoseDeviceMessage {
    /**
     * The sector size a refusal names, in the forms real programmers log: "… must be equal to disk sector size
     * 2048" (bkerler/edl#714, traces/firehose/013), "… does not match disk sector size 512" (firehose/009),
     * "… different from device sector size (4096)" (firehose/001).
     */
    private static final Pattern DISK_SECTOR_SIZE = Pattern.compile("(?i)(?:disk|device) sector size\\s*(?:is\\s*)?[=(]?\\s*(\\d{3,6})");

    public FirehoseResponse {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(attributes, "attributes")));
        if (attributes.containsKey("value")) {
            throw new IllegalArgumentException("the value attribute is the ack flag, not an attribute");
        }
        logsBefore = List.copyOf(logsBefore);
        logsAfter = List.copyOf(logsAfter);
    }

    public static FirehoseResponse ack(Map<String, String> attributes) {
        return new FirehoseResponse(true, attributes, List.of(), List.of());
    }

    public static FirehoseResponse nak(Map<String, String> attributes) {
        return new FirehoseResponse(false, attributes, List.of(), List.of());
    }

    FirehoseResponse withLogs(List<FirehoseLog> before, List<FirehoseLog> after) {
        return new FirehoseResponse(ack, attributes, before, after);
    }

    /** {@code rawmode="true"}: a raw-data phase follows. */
    public boolean rawMode() {
        return "true".equalsIgnoreCase(java.util.Objects.requireNonNullElse(FirehoseXml.attribute(attributes, "rawmode"), "false").strip());
    }

    public Optional<String> attribute(String name) {
        return Optional.ofNullable(FirehoseXml.attribute(attributes, name));
    }

    public OptionalLong numberAttribute(String name) {
        String v = FirehoseXml.attribute(attributes, name);
        if (v == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(v.strip()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Every log, before then after. */
    public List<FirehoseLog> logs() {
        List<FirehoseLog> all = new ArrayList<>(logsBefore);
        all.addAll(logsAfter);
        return all;
    }

    /** The logs as one text, one line each: what a technician reads for a NAK. */
    public String logText() {
        return logs().stream().map(FirehoseLog::text).collect(Collectors.joining("\n"));
    }

    /** Why the device refused; empty for an ACK. */
    public Optional<FirehoseNakReason> nakReason() {
        return ack ? Optional.empty() : Optional.of(FirehoseNakReason.of(logs()));
    }

    /** The disk sector size a refusal names ("… must be equal to disk sector size 4096", §3.5). */
    public OptionalInt sectorSizeHint() {
        for (FirehoseLog l : logs()) {
            Matcher m = DISK_SECTOR_SIZE.matcher(l.text());
            if (m.find()) {
                int v = Integer.parseInt(m.group(1));
                if (Integer.bitCount(v) == 1) {
                    return OptionalInt.of(v);
                }
            }
        }
        return OptionalInt.empty();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(ack ? "ACK" : "NAK");
        attributes.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
        nakReason().ifPresent(r -> b.append(" (").append(r.name().toLowerCase(Locale.ROOT).replace('_', '-')).append(')'));
        List<FirehoseLog> logs = logs();
        if (!logs.isEmpty()) {
            b.append(" logs ").append(logs.stream().map(l -> '"' + l.text() + '"').collect(Collectors.joining(", ", "[", "]")));
        }
        return b.toString();
    }
}
