package dev.lumiaagent.record;

import java.util.Objects;

/**
 * The certificate row of one erasing job in the record store: {@link Status#ISSUED} with the signed certificate
 * (its JSON, for systems, and its PDF, for people, with the SHA-256 of each, as audited), or
 * {@link Status#REFUSED} with the reason no certificate was issued, said in words a technician can act on.
 *
 * @param keyId the signing key's id (SHA-256 of its public key, hex), null when refused
 */
public record StoredCertificate(String jobId, Status status, String reason, String issued, String station, String keyId,
                                String jsonSha256, String pdfSha256, byte[] json, byte[] pdf) {
    public enum Status { ISSUED, REFUSED }

    public StoredCertificate {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(issued, "issued");
        if (status == Status.ISSUED && (json == null || jsonSha256 == null)) {
            throw new IllegalArgumentException("an issued certificate has its JSON and its SHA-256");
        }
        if (status == Status.REFUSED && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("a refused certificate names why");
        }
    }

    public static StoredCertificate refused(String jobId, String issued, String station, String reason) {
        return new StoredCertificate(jobId, Status.REFUSED, reason, issued, station, null, null, null, null, null);
    }

    public boolean isIssued() {
        return status == Status.ISSUED;
    }
}
