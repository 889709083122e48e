package dev.lumiaagent.certificate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lumiaagent.record.AuditEntry;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.JobRecord.EvidenceRecord;
import dev.lumiaagent.record.StoredCertificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Issues the erasure certificate of one job, or refuses it with the reason. Nothing is claimed that the record does not
 * show was done: the certificate is made only of the job's record (identity read from the phone, the evidence the flow
 * reported, times) and its "finished" audit entry, and a missing fact is left out or said to be "not read".
 *
 * <p>The rules (docs/certificates.md says why):
 * <ul>
 * <li>only jobs of {@link #ERASING_COMMANDS} that ended {@code DONE}, with consent to erase recorded (gate
 *     {@code CONSENT}, verdict {@code PASSED}), with a person and a site named, and with their "finished" audit entry;</li>
 * <li>the erasure is the job's last {@code ERASURE} evidence; its checks are the {@code CHECK} evidence of the same
 *     attempt (a check made twice in it counts by its last result); every check the method requires must be there and
 *     have passed, and a same-phone check that failed refuses whatever the method;</li>
 * <li>every check of that attempt is on the certificate, failed ones as "failed".</li>
 * </ul>
 * The signed form is {@link SignedJson}'s; the PDF is {@link CertificatePdf}'s, with the JSON embedded.
 */
public final class Certificates {
    public static final Set<String> ERASING_COMMANDS = Set.of("hard-reset", "reflash", "emergency");
    public static final int CERTIFICATE_VERSION = 1;
    public static final String STATUS = "ERASED AND VERIFIED";
    /** The {@code document} field of a certificate body. */
    public static final String DOCUMENT = "erasure certificate";
    public static final String CONSENT_GATE = "CONSENT";
    public static final String FINISHED_EVENT = "finished";
    static final String NOT_READ = "not read";
    static final String MAKER_NOT_READ = "Lumia (maker not read)";
    static final String MEDIA_TYPE = "eMMC flash (embedded)";

    private Certificates() {
    }

    /**
     * The certificate of {@code job}, or why there is none.
     *
     * @param jobAudit the job's audit entries so far (its "finished" entry last)
     * @param certifier who certifies and where; empty when nobody was named
     */
    public static Decision issue(JobRecord job, List<AuditEntry> jobAudit, Optional<Certifier> certifier, Tool tool, StationKey key,
                                 Instant now) {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(key, "key");
        String issued = now.toString();
        String refusal = refusal(job, jobAudit == null ? List.of() : jobAudit, certifier == null ? Optional.empty() : certifier);
        if (refusal != null) {
            return new Decision.Refused(StoredCertificate.refused(job.jobId, issued, job.station, refusal), refusal);
        }
        Certifier who = certifier.orElseThrow();
        AuditEntry finished = finishedEntry(job, jobAudit).orElseThrow();
        Selection sel = select(job).orElseThrow();

        ObjectNode body = SignedJson.object();
        body.put("document", DOCUMENT);
        body.put("certificateVersion", CERTIFICATE_VERSION);
        body.put("status", STATUS);
        body.put("issued", issued);
        body.setAll(recordFacts(job, sel));
        ObjectNode t = body.putObject("tool");
        t.put("name", tool.name());
        t.put("version", tool.version());
        body.put("stationKeyId", key.keyId());
        body.put("operator", who.operator().strip());
        body.put("site", who.site().strip());
        ObjectNode audit = body.putObject("audit");
        audit.put("seq", finished.seq());
        audit.put("hash", finished.hash());

        byte[] json = SignedJson.sign(body, key);
        String jsonSha = Hashes.sha256Hex(json);
        byte[] pdf = CertificatePdf.certificate(body, key.keyId(), jsonSha, json);
        StoredCertificate row = new StoredCertificate(job.jobId, StoredCertificate.Status.ISSUED, null, issued, job.station, key.keyId(),
                jsonSha, Hashes.sha256Hex(pdf), json, pdf);
        String headline = "certificate issued for " + phoneWords(job) + ": " + STATUS + " (" + sel.method.words() + "), signed by key "
                + key.keyId().substring(0, 16) + "…";
        return new Decision.Issued(row, json, pdf, headline);
    }

    /** Why no certificate can be issued for {@code job}, or null when one can. */
    static String refusal(JobRecord job, List<AuditEntry> jobAudit, Optional<Certifier> certifier) {
        if (!ERASING_COMMANDS.contains(job.command)) {
            return "no certificate: " + job.command + " does not erase the phone (certificates are for hard-reset, reflash and "
                    + "emergency)";
        }
        if (job.outcome == null) {
            return "no certificate: the job has not finished";
        }
        if (JobRecord.SKIPPED.equals(job.outcome)) {
            return "no certificate: the job did not start on the phone (SKIPPED)";
        }
        if (!job.succeeded()) {
            return "no certificate: the job failed (" + job.outcome + ")";
        }
        boolean consent = job.gates.stream().anyMatch(g -> CONSENT_GATE.equals(g.gate()) && "PASSED".equals(g.verdict()));
        if (!consent) {
            return "no certificate: consent to erase was not recorded";
        }
        if (certifier.isEmpty() || blank(certifier.get().operator())) {
            return "no certificate: no operator named — give --operator NAME or set $LUMIA_AGENT_OPERATOR";
        }
        if (blank(certifier.get().site())) {
            return "no certificate: no site named — give --site NAME or set $LUMIA_AGENT_SITE";
        }
        if (!blank(job.operator) && !job.operator.strip().equals(certifier.get().operator().strip())) {
            return "no certificate: the operator named (" + certifier.get().operator().strip() + ") is not the one the job recorded ("
                    + job.operator.strip() + ")";
        }
        if (!blank(job.site) && !job.site.strip().equals(certifier.get().site().strip())) {
            return "no certificate: the site named (" + certifier.get().site().strip() + ") is not the one the job recorded ("
                    + job.site.strip() + ")";
        }
        if (finishedEntry(job, jobAudit).isEmpty()) {
            return "no certificate: the job's end is not in the audit log (no \"finished\" entry for " + job.jobId + "), so the "
                    + "certificate could not be tied to it";
        }
        Optional<EvidenceRecord> erasure = lastErasure(job);
        if (erasure.isEmpty()) {
            return "no certificate: the job recorded no erasure (no ERASURE evidence)";
        }
        Optional<Methods.Method> method = Methods.of(erasure.get().name());
        if (method.isEmpty()) {
            return "no certificate: the erasure method '" + erasure.get().name() + "' is not one this agent certifies";
        }
        Map<String, EvidenceRecord> checks = checksOf(job, erasure.get().attempt());
        for (String need : method.get().required()) {
            EvidenceRecord c = checks.get(need);
            if (c == null) {
                return "no certificate: " + Methods.checkWords(need) + " did not run";
            }
            if (!c.ok()) {
                return "no certificate: " + Methods.checkWords(need) + " failed" + (blank(c.detail()) ? "" : " (" + c.detail() + ")");
            }
        }
        EvidenceRecord same = checks.get(Methods.SAME_PHONE);
        if (same != null && !same.ok()) {
            return "no certificate: " + Methods.checkWords(Methods.SAME_PHONE) + " failed" + (blank(same.detail()) ? "" : " ("
                    + same.detail() + ")");
        }
        if (method.get().usesImage() && blank(job.firmwareSha256)) {
            return "no certificate: the job recorded no SHA-256 of the image it wrote";
        }
        return null;
    }

    /** The job's last "finished" audit entry in {@code jobAudit}. */
    static Optional<AuditEntry> finishedEntry(JobRecord job, List<AuditEntry> jobAudit) {
        AuditEntry found = null;
        for (AuditEntry e : jobAudit) {
            if (FINISHED_EVENT.equals(e.event()) && Objects.equals(job.jobId, e.jobId())) {
                found = e;
            }
        }
        return Optional.ofNullable(found);
    }

    /** The erasure a certificate is about and the checks of its attempt. */
    record Selection(EvidenceRecord erasure, Methods.Method method, List<EvidenceRecord> checks) {
    }

    static Optional<Selection> select(JobRecord job) {
        Optional<EvidenceRecord> erasure = lastErasure(job);
        if (erasure.isEmpty()) {
            return Optional.empty();
        }
        Optional<Methods.Method> method = Methods.of(erasure.get().name());
        return method.map(m -> new Selection(erasure.get(), m, new ArrayList<>(checksOf(job, erasure.get().attempt()).values())));
    }

    private static Optional<EvidenceRecord> lastErasure(JobRecord job) {
        EvidenceRecord last = null;
        for (EvidenceRecord e : job.evidence) {
            if ("ERASURE".equals(e.kind()) && e.ok()) {
                last = e;
            }
        }
        return Optional.ofNullable(last);
    }

    /** The checks of one attempt by name, in the order first seen, each by its last result. */
    private static Map<String, EvidenceRecord> checksOf(JobRecord job, int attempt) {
        Map<String, EvidenceRecord> checks = new LinkedHashMap<>();
        for (EvidenceRecord e : job.evidence) {
            if ("CHECK".equals(e.kind()) && e.attempt() == attempt) {
                checks.put(e.name(), e);
            }
        }
        return checks;
    }

    /**
     * The certificate's fields that come from the job's record, exactly as issued: what a verifier recomputes from the
     * store and compares, field by field.
     */
    static ObjectNode recordFacts(JobRecord job, Selection sel) {
        ObjectNode o = SignedJson.object();
        put(o, "jobId", job.jobId);
        put(o, "runId", job.runId);
        put(o, "command", job.command);
        put(o, "station", job.station);
        put(o, "started", job.started);
        put(o, "ended", job.ended);
        o.set("phone", phone(job));
        o.set("sanitization", sanitization(job, sel));
        o.set("verification", verification(sel.checks()));
        return o;
    }

    static ObjectNode phone(JobRecord job) {
        Map<String, String> info = job.deviceInfo == null ? Map.of() : job.deviceInfo;
        ObjectNode p = SignedJson.object();
        String modelName = firstNonBlank(info.get("manufacturerModelName"), job.productType);
        p.put("manufacturer", manufacturer(info, modelName));
        p.put("modelName", modelName == null ? NOT_READ : modelName);
        p.put("productType", orNotRead(job.productType));
        p.put("productCode", orNotRead(job.productCode));
        p.put("imei", orNotRead(job.imei));
        put(p, "imei2", info.get("imei2"));
        p.put("publicId", orNotRead(job.publicId));
        p.put("usbSerial", orNotRead(job.usbSerial));
        put(p, "chipSerial", info.get("chipSerial"));
        p.put("platformId", orNotRead(job.platformId));
        p.put("mediaType", MEDIA_TYPE);
        String sectors = info.get("emmcSectors");
        if (!blank(sectors)) {
            try {
                long n = Long.parseLong(sectors.strip());
                p.put("emmcSectors", n);
                p.put("emmcSizeBytes", n * 512L);
                p.put("emmcSize", String.format(java.util.Locale.ROOT, "%,d bytes (%,d sectors × 512 bytes, as the phone reported)",
                        n * 512L, n));
            } catch (NumberFormatException e) {
                p.put("emmcSectors", sectors.strip()); // as read: we do not guess a number
            }
        }
        put(p, "emmcManufacturer", info.get("emmcManufacturer"));
        put(p, "osVersionBefore", info.get("osVersion"));
        return p;
    }

    /**
     * The maker as the record has it: a {@code manufacturer} the phone reported, or the first word of its model name when
     * that is Nokia or Microsoft; else {@value #MAKER_NOT_READ}. Never guessed from the product type or USB vendor id
     * (Microsoft-made Lumias still answer with Nokia's vendor id).
     */
    static String manufacturer(Map<String, String> info, String modelName) {
        String reported = info.get("manufacturer");
        if (!blank(reported)) {
            return reported.strip();
        }
        if (modelName != null) {
            String m = modelName.strip();
            for (String maker : new String[] {"Microsoft", "Nokia"}) {
                if (m.regionMatches(true, 0, maker + " ", 0, maker.length() + 1)) {
                    return maker;
                }
            }
        }
        return MAKER_NOT_READ;
    }

    static ObjectNode sanitization(JobRecord job, Selection sel) {
        Methods.Method m = sel.method();
        ObjectNode s = SignedJson.object();
        s.put("level", Methods.CLEAR);
        s.put("methodName", m.name());
        s.put("method", m.words());
        s.put("classifiedBy", m.classifiedBy());
        String erased = m.erased();
        if (m.usesImage()) {
            erased += " (image SHA-256 " + orNotRead(job.firmwareSha256) + ")"; // its file: firmwareFile
        }
        s.put("erased", erased);
        s.put("notErased", m.notErased());
        put(s, "erasureDetail", sel.erasure().detail());
        put(s, "erasedAt", sel.erasure().at());
        s.put("attempt", sel.erasure().attempt());
        if (m.usesImage()) {
            put(s, "firmwareFile", job.firmwareFile);
            put(s, "firmwareSha256", job.firmwareSha256);
        }
        return s;
    }

    static ArrayNode verification(List<EvidenceRecord> checks) {
        ArrayNode a = SignedJson.array();
        for (EvidenceRecord c : checks) {
            ObjectNode v = a.addObject();
            v.put("check", c.name());
            v.put("result", c.ok() ? "passed" : "failed");
            put(v, "means", Methods.checkMeaning(c.name()));
            put(v, "detail", c.detail());
            put(v, "at", c.at());
        }
        return a;
    }

    static String phoneWords(JobRecord job) {
        String model = firstNonBlank(job.deviceInfo == null ? null : job.deviceInfo.get("manufacturerModelName"), job.productType);
        String id = !blank(job.imei) ? "IMEI " + job.imei : !blank(job.publicId) ? "public ID " + job.publicId : "job " + job.jobId;
        return (model == null ? "the phone" : model) + " " + id;
    }

    private static void put(ObjectNode o, String name, String value) {
        if (!blank(value)) {
            o.put(name, value);
        }
    }

    private static String orNotRead(String s) {
        return blank(s) ? NOT_READ : s.strip();
    }

    private static String firstNonBlank(String a, String b) {
        return !blank(a) ? a.strip() : !blank(b) ? b.strip() : null;
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
