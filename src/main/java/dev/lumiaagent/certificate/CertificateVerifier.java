package dev.lumiaagent.certificate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lumiaagent.record.AuditEntry;
import dev.lumiaagent.record.AuditLog;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.StoredCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentNameDictionary;
import org.apache.pdfbox.pdmodel.PDEmbeddedFilesNameTreeNode;
import org.apache.pdfbox.pdmodel.common.filespecification.PDComplexFileSpecification;
import org.apache.pdfbox.pdmodel.common.filespecification.PDEmbeddedFile;

/**
 * Checks a certificate (its JSON, or its PDF with the JSON embedded) and names every result, passed or not: the file is
 * one; the signature matches the canonical body ({@link SignedJson}); the key is the station's (when given); and, with
 * the record store, that the record still says what the certificate says (field by field), that the audit entry it
 * names is there with that hash, that the audit chain is intact, and that this very file is the one issued for the job.
 */
public final class CertificateVerifier {
    static final String NOT_OURS = "not a lumia-agent certificate: ";

    private CertificateVerifier() {
    }

    /**
     * The result of a verification.
     *
     * @param ok true when nothing is in {@code problems}
     * @param jobId the job the certificate names (null when the file could not be read)
     * @param passed each check that passed, in words; what was not checked is said here too, starting "not checked:"
     * @param problems each check that failed, in words a person can act on
     */
    public record Verification(boolean ok, String jobId, List<String> passed, List<String> problems) {
        public Verification {
            passed = List.copyOf(passed);
            problems = List.copyOf(problems);
        }
    }

    /**
     * @param file the certificate's JSON or its PDF (bytes)
     * @param stationKey the key it must be signed by; empty: accept the key embedded, and say so
     * @param store to check the record and the audit chain; null: say those were not checked
     */
    public static Verification verify(byte[] file, Optional<PublicKey> stationKey, RecordStore store) {
        List<String> passed = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Objects.requireNonNull(file, "file");
        stationKey = stationKey == null ? Optional.empty() : stationKey;
        boolean pdf = isPdf(file);
        byte[] json;
        if (pdf) {
            try {
                json = embeddedJson(file);
            } catch (NotOurs e) {
                problems.add(NOT_OURS + e.getMessage());
                return new Verification(false, null, passed, problems);
            }
        } else {
            json = file;
        }
        JsonNode root;
        try {
            root = SignedJson.parse(json);
        } catch (IOException e) {
            problems.add(NOT_OURS + (pdf ? "the PDF's embedded " + CertificatePdf.EMBEDDED : "the file") + " is not JSON ("
                    + firstLine(e.getMessage()) + ")");
            return new Verification(false, null, passed, problems);
        }
        JsonNode body = root == null ? null : root.get(SignedJson.BODY);
        JsonNode sig = root == null ? null : root.get(SignedJson.SIGNATURE);
        if (body == null || !body.isObject() || sig == null || !sig.isObject() || !body.path("jobId").isTextual()) {
            problems.add(NOT_OURS + "the JSON has no \"certificate\" with a jobId and \"signature\" (is it a certificate of another "
                    + "tool?)");
            return new Verification(false, null, passed, problems);
        }
        String jobId = body.path("jobId").asText();
        passed.add("the file is a lumia-agent " + body.path("document").asText("certificate") + " for " + jobId
                + (pdf ? " (a PDF with its embedded " + CertificatePdf.EMBEDDED + ")" : " (JSON)"));

        String keyId = signature(body, sig, passed, problems);
        if (keyId != null) {
            if (stationKey.isPresent()) {
                String station = StationKey.keyId(stationKey.get());
                if (station.equals(keyId)) {
                    passed.add("signed by this station's key " + station);
                } else {
                    problems.add("signed by key " + keyId + ", not this station's key " + station);
                }
            } else {
                passed.add("not checked: whose key signed it — the key embedded in the certificate (" + keyId + ") was accepted; "
                        + "give the station's public key (--key PUB.pem) to check it is the station's");
            }
        }

        if (store == null) {
            passed.add("not checked: the record and the audit chain (no record store given)");
        } else if (BatchSummary.DOCUMENT.equals(body.path("document").asText())) {
            checkBatch(body, store, passed, problems);
        } else {
            checkRecord(body, store, passed, problems);
            checkAudit(body, jobId, store, passed, problems);
            checkIssuedFile(file, pdf, jobId, keyId, store, passed, problems);
        }
        return new Verification(problems.isEmpty(), jobId, passed, problems);
    }

    /** Checks the signature; returns the signing key's id when the signature matches, else null. */
    private static String signature(JsonNode body, JsonNode sig, List<String> passed, List<String> problems) {
        if (!StationKey.ALGORITHM.equals(sig.path("algorithm").asText())) {
            problems.add("the signature's algorithm is '" + sig.path("algorithm").asText() + "', not Ed25519");
            return null;
        }
        PublicKey key;
        byte[] value;
        try {
            byte[] spki = Base64.getDecoder().decode(sig.path("publicKey").asText());
            key = StationKey.publicKeyFromSpki(spki);
            value = Base64.getDecoder().decode(sig.path("value").asText());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            problems.add("the signature's public key or value is not readable (" + firstLine(e.getMessage()) + ")");
            return null;
        }
        String keyId = StationKey.keyId(key);
        if (!keyId.equals(sig.path("keyId").asText())) {
            problems.add("the signature's keyId " + sig.path("keyId").asText() + " is not the SHA-256 of its public key (" + keyId + ")");
        }
        if (StationKey.verifies(key, SignedJson.canonical(body), value)) {
            passed.add("the Ed25519 signature matches the certificate's contents (key " + keyId + ")");
            return keyId;
        }
        problems.add("signature does not match the certificate's contents: it was changed after signing");
        return keyId; // the key it claims, so a changed certificate re-signed elsewhere is named by its key as well
    }

    private static void checkRecord(JsonNode body, RecordStore store, List<String> passed, List<String> problems) {
        String jobId = body.path("jobId").asText();
        Optional<JobRecord> job = store.job(jobId);
        if (job.isEmpty()) {
            problems.add("job " + jobId + " is not in the record store (" + store.describe() + ")");
            return;
        }
        Optional<Certificates.Selection> sel = Certificates.select(job.get());
        if (sel.isEmpty()) {
            problems.add("the record of job " + jobId + " holds no erasure, but the certificate says it was erased");
            return;
        }
        ObjectNode facts = Certificates.recordFacts(job.get(), sel.get());
        List<String> differ = new ArrayList<>();
        compare("", facts, body, differ);
        for (String who : new String[] {"operator", "site"}) {
            String recorded = "operator".equals(who) ? job.get().operator : job.get().site;
            if (recorded != null && !recorded.isBlank() && !recorded.strip().equals(body.path(who).asText())) {
                differ.add(who + ": certificate says " + body.path(who).asText("(nothing)") + ", record says " + recorded.strip());
            }
        }
        if (differ.isEmpty()) {
            passed.add("the record of job " + jobId + " says what the certificate says (phone, erasure, checks, times)");
        } else {
            problems.addAll(differ);
        }
    }

    /**
     * The agent's own words about the facts (how a method is described, which table classes it, what a check means):
     * not compared with the record, so a certificate issued by an earlier version, with other wording, still verifies.
     * The facts under them (methodName, level, each check's name, result, detail and time) are compared.
     */
    static final java.util.Set<String> WORDS = java.util.Set.of("sanitization.method", "sanitization.classifiedBy",
            "sanitization.erased", "sanitization.notErased", "phone.mediaType", "phone.emmcSize", "verification.means");

    /** Every value the record gives ({@code expected}) must be in the certificate with that value; names each that is not. */
    private static void compare(String path, JsonNode expected, JsonNode actual, List<String> differ) {
        if (WORDS.contains(path)) {
            return;
        }
        if (expected.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = expected.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                compare(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue(), actual == null ? null : actual.get(e.getKey()),
                        differ);
            }
            if (actual != null && actual.isObject() && !path.isEmpty()) {
                actual.fieldNames().forEachRemaining(n -> {
                    if (!expected.has(n) && !WORDS.contains(path + "." + n)) {
                        differ.add(path + "." + n + ": certificate says " + actual.get(n).asText() + ", record has no such value");
                    }
                });
            }
            return;
        }
        if (expected.isArray()) {
            JsonNode a = withoutWords(path, actual);
            JsonNode e = withoutWords(path, expected);
            if (!e.equals(a)) {
                differ.add(path + ": certificate says " + (a == null ? "(nothing)" : a.toString()) + ", record says " + e);
            }
            return;
        }
        if (actual == null || !expected.asText().equals(actual.asText())) {
            differ.add(path + ": certificate says " + (actual == null ? "(nothing)" : actual.asText()) + ", record says " + expected.asText());
        }
    }

    /** An array of objects without the fields in {@link #WORDS} (named {@code path.field}). */
    private static JsonNode withoutWords(String path, JsonNode array) {
        if (array == null || !array.isArray()) {
            return array;
        }
        com.fasterxml.jackson.databind.node.ArrayNode out = SignedJson.array();
        for (JsonNode element : array) {
            if (element.isObject()) {
                ObjectNode copy = ((ObjectNode) element).deepCopy();
                WORDS.stream().filter(w -> w.startsWith(path + ".")).forEach(w -> copy.remove(w.substring(path.length() + 1)));
                out.add(copy);
            } else {
                out.add(element);
            }
        }
        return out;
    }

    private static void checkAudit(JsonNode body, String jobId, RecordStore store, List<String> passed, List<String> problems) {
        AuditLog log = store.audit();
        long seq = body.path("audit").path("seq").asLong(-1);
        String hash = body.path("audit").path("hash").asText();
        List<AuditEntry> entries = log.entries();
        Optional<AuditEntry> entry = entries.stream().filter(e -> e.seq() == seq).findFirst();
        if (entry.isEmpty()) {
            problems.add("audit entry #" + seq + " named by the certificate is not in the audit log");
        } else if (!jobId.equals(entry.get().jobId())) {
            problems.add("audit entry #" + seq + " belongs to job " + entry.get().jobId() + ", not " + jobId);
        } else if (!hash.equals(entry.get().hash())) {
            problems.add("audit entry #" + seq + "'s hash: certificate says " + hash + ", audit log says " + entry.get().hash());
        } else {
            passed.add("audit entry #" + seq + " (" + entry.get().event() + ") of job " + jobId + " has the hash the certificate names");
        }
        AuditLog.AuditVerification chain = log.verify();
        if (chain.ok()) {
            passed.add("the audit chain is intact (" + chain.entries() + " entries)");
        } else {
            problems.add("the audit chain is broken at entry #" + chain.firstBrokenSeq() + ": " + chain.problem());
        }
    }

    private static void checkIssuedFile(byte[] file, boolean pdf, String jobId, String keyId, RecordStore store, List<String> passed,
                                        List<String> problems) {
        Optional<StoredCertificate> row = store.certificate(jobId);
        if (row.isEmpty()) {
            problems.add("the record store has no certificate for job " + jobId + ": none was issued there");
            return;
        }
        if (!row.get().isIssued()) {
            problems.add("the record store says no certificate was issued for job " + jobId + " (" + row.get().reason() + ")");
            return;
        }
        String sha = Hashes.sha256Hex(file);
        String issued = pdf ? row.get().pdfSha256() : row.get().jsonSha256();
        String what = pdf ? "PDF" : "JSON";
        if (sha.equals(issued)) {
            passed.add("this " + what + " is the one issued for job " + jobId + " on " + row.get().issued() + " (SHA-256 " + sha + ")");
        } else {
            problems.add("this " + what + "'s SHA-256 " + sha + " is not the one issued for job " + jobId + " (" + issued + ")");
        }
        if (keyId != null && row.get().keyId() != null && !row.get().keyId().equals(keyId)) {
            problems.add("job " + jobId + "'s certificate was issued with key " + row.get().keyId() + ", this one is signed by " + keyId);
        }
    }

    private static void checkBatch(JsonNode body, RecordStore store, List<String> passed, List<String> problems) {
        int before = problems.size();
        for (JsonNode p : body.path("phones")) {
            String jobId = p.path("jobId").asText();
            if (!p.has("jsonSha256")) {
                continue;
            }
            Optional<StoredCertificate> row = store.certificate(jobId);
            if (row.isEmpty() || !row.get().isIssued()) {
                problems.add("the summary lists a certificate for job " + jobId + " but the record store has none issued");
            } else if (!p.path("jsonSha256").asText().equals(row.get().jsonSha256())
                    || !Objects.equals(p.path("pdfSha256").asText(null), row.get().pdfSha256())) {
                problems.add("job " + jobId + ": the summary's certificate SHA-256 is not the one the record store issued");
            }
        }
        if (problems.size() == before) {
            passed.add("every certificate the summary lists is the one the record store issued");
        }
        AuditLog.AuditVerification chain = store.audit().verify();
        if (chain.ok()) {
            passed.add("the audit chain is intact (" + chain.entries() + " entries)");
        } else {
            problems.add("the audit chain is broken at entry #" + chain.firstBrokenSeq() + ": " + chain.problem());
        }
    }

    static boolean isPdf(byte[] file) {
        return file.length >= 5 && new String(file, 0, 5, StandardCharsets.ISO_8859_1).equals("%PDF-");
    }

    private static final class NotOurs extends Exception {
        private static final long serialVersionUID = 1L;

        NotOurs(String message) {
            super(message, null, false, false);
        }
    }

    private static byte[] embeddedJson(byte[] file) throws NotOurs {
        try (PDDocument doc = Loader.loadPDF(file)) {
            PDDocumentNameDictionary names = doc.getDocumentCatalog().getNames();
            PDEmbeddedFilesNameTreeNode tree = names == null ? null : names.getEmbeddedFiles();
            Map<String, PDComplexFileSpecification> files = tree == null ? null : tree.getNames();
            PDComplexFileSpecification spec = files == null ? null : files.get(CertificatePdf.EMBEDDED);
            PDEmbeddedFile ef = spec == null ? null : spec.getEmbeddedFile();
            if (ef == null) {
                throw new NotOurs("the PDF has no embedded " + CertificatePdf.EMBEDDED);
            }
            try (InputStream in = ef.createInputStream()) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new NotOurs("the PDF cannot be read (" + firstLine(e.getMessage()) + ")");
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
