package dev.lumiaagent.record;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One job as the record store keeps it: which phone (identity as far as it was read), where (station,
 * port), who (operator), what (command, firmware file and its SHA-256), every step and gate verdict of
 * every attempt, and how it ended. Mutable: the bench fills it in as the job runs and saves it
 * ({@link RecordStore#save}) at the start, after each attempt, and at the end.
 *
 * <p>Times are ISO-8601 instants in UTC ({@code Instant.toString()}), so records sort and compare as text
 * in every store. {@code outcome} is null while the job runs; then a {@code flow.Reason} name, or
 * {@code SKIPPED} for a phone the job could not start on.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class JobRecord {
    /** The outcome of a job that succeeded (the {@code flow.Reason} name). */
    public static final String DONE = "DONE";
    /** The outcome of a phone the job could not start on: not a flow reason, no flow ran. */
    public static final String SKIPPED = "SKIPPED";

    /** The job id (the same id as the job file in the jobs directory). */
    public String jobId;
    /** The bench run this job belongs to (one {@code batch} invocation, or one {@code station} session). */
    public String runId;
    /** info, soft-reset, hard-reset, reflash, emergency. */
    public String command;
    public String station;
    public String operator;
    /** Where the job ran, for its certificate (a site name given with --site, $LUMIA_AGENT_SITE or the station's config). */
    public String site;
    public String port;

    public String productType;
    public String productCode;
    public String imei;
    public String publicId;
    public String usbSerial;
    public String platformId;
    /** The mode the phone was in when the job started (a {@code Mode} name). */
    public String startMode;
    /** Everything read from the phone at the start, by field name (for diagnostics and reports). */
    public Map<String, String> deviceInfo = new LinkedHashMap<>();

    public String firmwareFile;
    public String firmwareSha256;

    public String started;
    public String ended;
    public int attempts;
    public List<StepRecord> steps = new ArrayList<>();
    public List<GateRecord> gates = new ArrayList<>();
    /** What the flow erased and every verification it performed, in order ({@code flow.Evidence}): a certificate's facts. */
    public List<EvidenceRecord> evidence = new ArrayList<>();

    public String outcome;
    public String summary;
    public String nextStep;

    /**
     * What the store lacks of this job and how to complete it, when the store was failing at the job's end
     * (null when the store holds all of it). Said by the outcome line and the tally; never stored.
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public transient String notRecorded;

    /**
     * Every name this job's phone was known by, as read: IMEI, public ID, USB serial and the chip's serial (a 9008
     * phone has only the last), from the record and its device info, without repeats or blanks.
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public List<String> identities() {
        java.util.LinkedHashSet<String> ids = new java.util.LinkedHashSet<>();
        Map<String, String> info = deviceInfo == null ? Map.of() : deviceInfo;
        for (String s : new String[] {imei, info.get("imei"), publicId, info.get("publicId"), usbSerial, info.get("usbSerial"),
                info.get("chipSerial")}) {
            if (s != null && !s.isBlank()) {
                ids.add(s.strip());
            }
        }
        return List.copyOf(ids);
    }

    /** Whether {@code id} is one of {@link #identities()} (letter case aside: a serial is read in either case). */
    public boolean isPhone(String id) {
        String wanted = id == null ? "" : id.strip();
        return !wanted.isEmpty() && identities().stream().anyMatch(wanted::equalsIgnoreCase);
    }

    /** One finished step of one attempt. {@code at} is when it finished. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record StepRecord(int attempt, String name, boolean ok, String detail, String at) {
    }

    /** One gate verdict of one attempt ({@code flow.gate} names). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record GateRecord(int attempt, String gate, String verdict, String detail, boolean blocks) {
    }

    /**
     * One fact of an erasure: {@code kind} ERASURE (what was erased: {@code name} is the method) or CHECK (a verification
     * performed, {@code ok} its result). {@code at} is when it was observed.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record EvidenceRecord(int attempt, String kind, String name, boolean ok, String detail, String at) {
    }

    public boolean finished() {
        return outcome != null;
    }

    public boolean succeeded() {
        return DONE.equals(outcome);
    }

    public boolean skipped() {
        return SKIPPED.equals(outcome);
    }

    @Override
    public String toString() {
        return command + " on " + port + " (" + jobId + "): " + (outcome == null ? "running" : outcome + " — " + summary);
    }
}
