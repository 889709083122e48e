package dev.lumiaagent.job;

import dev.lumiaagent.certificate.Certificates;
import dev.lumiaagent.certificate.Certifier;
import dev.lumiaagent.certificate.Decision;
import dev.lumiaagent.certificate.StationKey;
import dev.lumiaagent.certificate.Tool;
import dev.lumiaagent.record.AuditEntry;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.StoredCertificate;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Certifies the erasing jobs of a run: when such a job has ended and its record and audit entries are durable, its
 * certificate is issued (signed with the station's key, stored with the record, its SHA-256 audited) or refused,
 * and either way the store holds a row that says which and why. A run that cannot make certificates (no station
 * key: its directory cannot be written) still says so per job, by name.
 */
public final class Certifying {
    private static final Logger LOG = LoggerFactory.getLogger(Certifying.class);

    /** The audit event naming an issued certificate by its SHA-256s. */
    public static final String ISSUED_EVENT = "certificate";
    /** The audit event of a certificate refused, with the reason. */
    public static final String REFUSED_EVENT = "certificate-refused";

    private final StationKey key;
    private final String keyProblem;
    private final Tool tool;

    private Certifying(StationKey key, String keyProblem, Tool tool) {
        this.key = key;
        this.keyProblem = keyProblem;
        this.tool = tool;
    }

    /** The station's key from {@code keyDir}, made on first use; a key that cannot be made or read is said on every job. */
    public static Certifying open(Path keyDir, Tool tool) {
        try {
            return new Certifying(StationKey.loadOrCreate(keyDir), null, tool);
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("no station key in {}: {}", keyDir, e.getMessage());
            return new Certifying(null, "the station key in " + keyDir + " cannot be made or read (" + e.getMessage()
                    + "); fix the directory (or set $" + StationKeys.ENV_KEYS + "), then certificates are made again", tool);
        }
    }

    /** No certificates at all (a run that erases nothing, tests of other things). */
    public static Certifying none() {
        return new Certifying(null, null, null);
    }

    /** This station's key (absent when it could not be made, or for {@link #none}). */
    public Optional<StationKey> key() {
        return Optional.ofNullable(key);
    }

    /**
     * Issues or refuses the certificate of the erasing job {@code record} that just ended; says which on
     * {@code bench}. Returns the stored row, empty when nothing could be stored (no store, or not an erasing job).
     */
    Optional<StoredCertificate> certify(JobRecord record, JobSettings settings, RecordStore store, StoreRecord records, JobListener bench,
                                        Clock clock) {
        if (tool == null && key == null || !Certificates.ERASING_COMMANDS.contains(record.command)) {
            return Optional.empty();
        }
        String where = "job " + record.jobId + " on " + record.port;
        if (store == null) {
            bench.note(where + ": no certificate: the record store cannot be opened, and a certificate is only made from a stored record");
            return Optional.empty();
        }
        if (record.notRecorded != null) {
            bench.note(where + ": no certificate yet: the store lacks part of the job's record (" + record.notRecorded + ")");
            return Optional.empty();
        }
        String now = clock.instant().toString();
        StoredCertificate row;
        try {
            if (key == null) {
                row = StoredCertificate.refused(record.jobId, now, settings.station(), "no certificate: " + keyProblem);
            } else {
                Optional<Certifier> who = settings.operatorNamed() && settings.site() != null
                        ? Optional.of(new Certifier(settings.operator(), settings.site())) : Optional.empty();
                List<AuditEntry> audit = store.audit().entriesOf(record.jobId, 0);
                Decision d = Certificates.issue(record, audit, who, tool, key, clock.instant());
                row = d.row();
            }
            store.saveCertificate(row);
        } catch (RuntimeException e) {
            LOG.warn("could not certify job {}: {}", record.jobId, e.toString());
            bench.note(where + ": no certificate: it could not be made or stored (" + e.getMessage() + ")");
            return Optional.empty();
        }
        if (row.isIssued()) {
            records.audit(ISSUED_EVENT, "issued: JSON SHA-256 " + row.jsonSha256() + ", PDF SHA-256 " + row.pdfSha256()
                    + ", signed by station key " + row.keyId());
            bench.note(where + ": erasure certificate issued (SHA-256 " + row.jsonSha256().substring(0, 16) + "…); `lumia-agent certificate "
                    + record.jobId + " -o DIR` writes it");
        } else {
            records.audit(REFUSED_EVENT, row.reason());
            bench.note(where + ": " + row.reason());
        }
        return Optional.of(row);
    }
}
