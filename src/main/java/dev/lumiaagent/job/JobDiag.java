package dev.lumiaagent.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lumiaagent.record.AuditEntry;
import dev.lumiaagent.record.DiagBundle;
import dev.lumiaagent.record.DiagRedaction;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.StoredCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What the diagnostics bundle of one job holds, in one place: {@code lumia-agent diag} and the dashboard's
 * {@code /jobs/{id}/diag} both write it from here. The job's file (as it is, with the reason when it does not read), log
 * and protocol trace, the run's capture when one was written, the record and the device info, the erasure certificate
 * (or why none was issued), the job's audit entries and the environment. The home directory is always shown as
 * {@code ~}; {@code redact} also replaces every identity the job file and the record know (a redacted certificate no
 * longer verifies: the original stays in the record store).
 */
public final class JobDiag {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JobDiag() {
    }

    /**
     * The bundle's entries, ready to {@link DiagBundle.Builder#write}.
     *
     * @param job        the job's file as read (empty when it is not there or does not read)
     * @param unreadable why the job's file does not read, or null
     * @param record     the job's record (empty when the store has none)
     * @param store      the record store (null when there is none: no audit entries, no certificate)
     * @param noStoreWhy what to say of a missing record, e.g. "is not in the record store jdbc:…"
     */
    public static DiagBundle.Builder builder(JobJournal journal, String jobId, Optional<Job> job, String unreadable,
                                             Optional<JobRecord> record, RecordStore store, String noStoreWhy, boolean redact,
                                             String version) throws IOException {
        Objects.requireNonNull(journal, "journal");
        DiagBundle.Builder b = DiagBundle.builder()
                .redaction(redaction(job, record, redact))
                .add("job.json", journal.file(jobId))
                .add("job.log", journal.dir().resolve(jobId + ".log"))
                .add("protocol.trace", journal.dir().resolve(jobId + ".trace"));
        if (unreadable != null) {
            b.add("job.json.unreadable.txt", (unreadable + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Optional<Path> capture = journal.capture(jobId);
        if (capture.isPresent()) {
            b.add("capture.pcap", capture.get());
        }
        if (record.isPresent()) {
            b.add("record.json", JSON.writeValueAsBytes(record.get()));
            b.add("device-info.json", JSON.writeValueAsBytes(record.get().deviceInfo));
        } else {
            b.add("record.json.missing.txt", ("job " + jobId + " " + noStoreWhy + "\n").getBytes(StandardCharsets.UTF_8));
            if (job.isPresent()) {
                b.add("device-info.json", JSON.writeValueAsBytes(job.get().identity));
            }
        }
        StringBuilder a = new StringBuilder();
        if (store != null) {
            Optional<StoredCertificate> certificate = store.certificate(jobId);
            if (certificate.isPresent() && certificate.get().isIssued()) {
                b.add("certificate.json", certificate.get().json());
            } else if (certificate.isPresent()) {
                b.add("certificate-refused.txt", ("no erasure certificate was issued for job " + jobId + ": "
                        + certificate.get().reason() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            for (AuditEntry e : store.audit().entries()) {
                if (jobId.equals(e.jobId())) {
                    a.append('#').append(e.seq()).append(' ').append(e.at()).append(' ').append(e.station()).append(' ')
                            .append(e.operator()).append(' ').append(e.port()).append(' ').append(e.event()).append(": ")
                            .append(e.detail()).append(" [").append(e.hash()).append("]\n");
                }
            }
        }
        b.add("audit.txt", a.toString().getBytes(StandardCharsets.UTF_8));
        b.add("environment.txt", DiagBundle.environment(version).getBytes(StandardCharsets.UTF_8));
        return b;
    }

    /** The home directory always; with {@code redact} also every identity the job file and the record know. */
    static DiagRedaction redaction(Optional<Job> job, Optional<JobRecord> record, boolean redact) {
        String home = System.getProperty("user.home");
        if (!redact) {
            return DiagRedaction.homeOnly(home);
        }
        DiagRedaction r = DiagRedaction.identities(home);
        job.ifPresent(j -> {
            if (j.identity != null) {
                r.imei(j.identity.imei()).usbSerial(j.identity.usbSerial()).publicId(j.identity.publicId());
            }
        });
        record.ifPresent(j -> {
            r.imei(j.imei).usbSerial(j.usbSerial).publicId(j.publicId);
            if (j.deviceInfo != null) {
                r.imei(j.deviceInfo.get("imei")).publicId(j.deviceInfo.get("publicId")).usbSerial(j.deviceInfo.get("usbSerial"))
                        .usbSerial(j.deviceInfo.get("chipSerial")); // the Sahara serial names the chip as surely
            }
        });
        return r;
    }
}
