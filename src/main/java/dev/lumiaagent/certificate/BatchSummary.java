package dev.lumiaagent.certificate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.StoredCertificate;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One signed document for a bench run: how many certificates were issued and refused and how many jobs failed, each
 * phone, and the SHA-256 of each certificate's JSON and PDF, so a customer can match a pile of files to the run. It is
 * signed and laid out the same way as a certificate ({@link SignedJson}, {@code jobId} = {@code "batch-" + runId},
 * {@code document} = {@value #DOCUMENT}); it proves no erasure by itself: each phone's certificate does.
 *
 * <p>Each job is counted once: <b>issued</b> (its certificate row is ISSUED), <b>failed</b> (the job did not end DONE,
 * so it has no certificate), else <b>refused</b> (it ended DONE, but its certificate was refused or never made).
 */
public final class BatchSummary {
    public static final String DOCUMENT = "batch summary";

    private BatchSummary() {
    }

    public static Decision.Issued of(String runId, List<JobRecord> jobs, List<StoredCertificate> rows, StationKey key, Tool tool,
                                     Instant now) {
        Objects.requireNonNull(runId, "runId");
        Map<String, StoredCertificate> byJob = new LinkedHashMap<>();
        for (StoredCertificate r : rows) {
            byJob.put(r.jobId(), r);
        }
        String issued = now.toString();
        ObjectNode body = SignedJson.object();
        body.put("document", DOCUMENT);
        body.put("certificateVersion", Certificates.CERTIFICATE_VERSION);
        body.put("jobId", summaryId(runId));
        body.put("runId", runId);
        body.put("issued", issued);
        TreeSet<String> stations = new TreeSet<>();
        int nIssued = 0;
        int nRefused = 0;
        int nFailed = 0;
        ArrayNode phones = SignedJson.array();
        for (JobRecord j : jobs) {
            if (j.station != null) {
                stations.add(j.station);
            }
            ObjectNode p = phones.addObject();
            p.put("jobId", j.jobId);
            p.put("command", j.command);
            p.put("phone", Certificates.phoneWords(j));
            if (j.imei != null) {
                p.put("imei", j.imei);
            }
            p.put("outcome", j.outcome == null ? "running" : j.outcome);
            StoredCertificate row = byJob.get(j.jobId);
            if (row != null && row.isIssued()) {
                nIssued++;
                p.put("certificate", "issued");
                p.put("jsonSha256", row.jsonSha256());
                if (row.pdfSha256() != null) {
                    p.put("pdfSha256", row.pdfSha256());
                }
            } else if (!j.succeeded()) {
                nFailed++;
                p.put("certificate", "none (job failed)");
            } else {
                nRefused++;
                p.put("certificate", "refused");
                p.put("reason", row == null ? "no certificate was made for this job" : row.reason());
            }
        }
        ObjectNode counts = body.putObject("counts");
        counts.put("phones", jobs.size());
        counts.put("issued", nIssued);
        counts.put("refused", nRefused);
        counts.put("failed", nFailed);
        body.set("phones", phones);
        body.put("station", String.join(", ", stations));
        ObjectNode t = body.putObject("tool");
        t.put("name", tool.name());
        t.put("version", tool.version());
        body.put("stationKeyId", key.keyId());

        byte[] json = SignedJson.sign(body, key);
        String jsonSha = Hashes.sha256Hex(json);
        byte[] pdf = CertificatePdf.batch(body, key.keyId(), jsonSha, json);
        StoredCertificate row = new StoredCertificate(summaryId(runId), StoredCertificate.Status.ISSUED, null, issued,
                String.join(", ", stations), key.keyId(), jsonSha, Hashes.sha256Hex(pdf), json, pdf);
        String headline = "batch summary of run " + runId + ": " + nIssued + " issued, " + nRefused + " refused, " + nFailed + " failed";
        return new Decision.Issued(row, json, pdf, headline);
    }

    /** The summary's id: {@code batch-<run id>} (a batch's run id already starts with {@code batch-}: kept as it is). */
    public static String summaryId(String runId) {
        return runId.startsWith("batch-") ? runId : "batch-" + runId;
    }
}
