package dev.lumiaagent.certificate;

import dev.lumiaagent.record.StoredCertificate;

/**
 * What {@link Certificates#issue} decided for one job: a signed certificate (its JSON and PDF, and the store row that
 * holds both with their SHA-256), or a refusal with the reason in words a technician can act on (and its store row).
 */
public sealed interface Decision permits Decision.Issued, Decision.Refused {

    /** The row to keep in the record store ({@code RecordStore.saveCertificate}). */
    StoredCertificate row();

    /**
     * @param json the signed certificate, UTF-8 JSON
     * @param pdf the same certificate for people, with {@code json} embedded as {@code certificate.json}
     * @param headline one line for the job's outcome: what was certified and with which key
     */
    record Issued(StoredCertificate row, byte[] json, byte[] pdf, String headline) implements Decision {
    }

    /** @param reason starts with "no certificate: " and says what to do when something can be done */
    record Refused(StoredCertificate row, String reason) implements Decision {
    }
}
