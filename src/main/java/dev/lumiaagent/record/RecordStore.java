package dev.lumiaagent.record;

import java.util.List;
import java.util.Optional;

/**
 * Where job records and the audit log live: an SQLite file by default, PostgreSQL for a fleet of
 * stations writing one database. Implementations are safe to use from many worker threads at once, and
 * every write is durable (committed) when the call returns, so a record can be trusted before the
 * outcome it holds is printed.
 */
public interface RecordStore extends AutoCloseable {

    /** Inserts or replaces the job (by {@code jobId}) with its steps and gates. Durable on return. */
    void save(JobRecord job);

    Optional<JobRecord> job(String jobId);

    /** Jobs that started at or after {@code sinceIso} (an ISO-8601 instant; null for all), oldest first. */
    List<JobRecord> jobs(String sinceIso);

    /** The latest job recorded on a port, if any. */
    Optional<JobRecord> lastOnPort(String port);

    AuditLog audit();

    /** Stores (or replaces) the certificate row of a job: issued, or refused with its reason. Durable on return. */
    void saveCertificate(StoredCertificate certificate);

    /** The certificate row of a job, if one was issued or refused. */
    Optional<StoredCertificate> certificate(String jobId);

    /** Certificate rows issued or refused at or after {@code sinceIso} (null for all), oldest first. */
    List<StoredCertificate> certificates(String sinceIso);

    /** Which job drives which phone, shared by every station on this store. */
    PhoneLeases leases();

    /** For people: "SQLite /home/tech/.local/share/lumia-agent/records.db", "PostgreSQL db.example:5432/lumia". */
    String describe();

    @Override
    void close();
}
