package dev.lumiaagent.certificate;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The certificate for people: one A4 PDF showing every field of the signed body in labelled rows, the verification
 * table, the signature's key id and the JSON's SHA-256, with the signed JSON itself embedded as {@value #EMBEDDED}
 * (so the PDF alone is enough to verify). Its first line of text is the status and nothing else.
 */
final class CertificatePdf {
    static final String EMBEDDED = "certificate.json";
    static final float[] GREEN = {0.05f, 0.45f, 0.2f};
    static final float[] INK = {0.1f, 0.1f, 0.1f};

    private static final String[][] PHONE = {
            {"manufacturer", "Manufacturer"}, {"modelName", "Model name"}, {"productType", "Product type"},
            {"productCode", "Product code"}, {"imei", "IMEI"}, {"imei2", "IMEI (SIM 2)"}, {"publicId", "Public ID"},
            {"usbSerial", "USB serial"}, {"chipSerial", "Chip serial"}, {"platformId", "Platform ID"}, {"mediaType", "Media type"},
            {"emmcSize", "eMMC size"}, {"emmcManufacturer", "eMMC manufacturer"}, {"osVersionBefore", "OS before erasure"}};
    /** Shown in other words already (emmcSize says both numbers). */
    private static final Set<String> PHONE_HIDDEN = Set.of("emmcSectors", "emmcSizeBytes");
    /** Level and method come first, by hand: the method's name in the agent (methodName) follows its words. */
    private static final Set<String> SANITIZATION_HIDDEN = Set.of("level", "method", "methodName");
    private static final String[][] SANITIZATION = {
            {"classifiedBy", "Classified by"}, {"erased", "Erased"}, {"notErased", "Not erased"},
            {"erasureDetail", "What the phone did"}, {"erasedAt", "Erased at"}, {"attempt", "Attempt"},
            {"firmwareFile", "Image file"}, {"firmwareSha256", "Image SHA-256"}};

    private CertificatePdf() {
    }

    static byte[] certificate(JsonNode body, String keyId, String jsonSha256, byte[] json) {
        String jobId = body.path("jobId").asText();
        try (PdfWriter w = new PdfWriter("lumia-agent erasure certificate, job " + jobId)) {
            w.status(body.path("status").asText(), GREEN);
            w.title("Certificate of erasure");
            w.note("A record of media sanitization after NIST SP 800-88 Rev. 1 §4.8, issued " + body.path("issued").asText()
                    + " by " + body.path("tool").path("name").asText() + " " + body.path("tool").path("version").asText()
                    + ". Every value below is the job's record; a value the phone did not give says \"not read\".");

            w.section("Phone");
            rows(w, body.path("phone"), PHONE, PHONE_HIDDEN);

            w.section("Sanitization");
            JsonNode san = body.path("sanitization");
            w.row("Sanitization level", san.path("level").asText());
            w.row("Method", san.path("method").asText() + " [agent's name: " + san.path("methodName").asText() + "]");
            rows(w, san, SANITIZATION, SANITIZATION_HIDDEN);

            w.section("Verification");
            List<String[]> checks = new ArrayList<>();
            for (JsonNode c : body.path("verification")) {
                String what = c.path("means").asText();
                String detail = c.path("detail").asText();
                checks.add(new String[] {c.path("check").asText(), c.path("result").asText(),
                        what.isEmpty() ? detail : detail.isEmpty() ? what : what + ": " + detail, c.path("at").asText()});
            }
            w.table(new float[] {88, 38, 283, 106}, new String[] {"Check", "Result", "What it established / observed", "At (UTC)"},
                    checks);

            w.section("Who, where, when");
            w.row("Operator", body.path("operator").asText(null));
            w.row("Site", body.path("site").asText(null));
            w.row("Station", body.path("station").asText(null));
            w.row("Tool", body.path("tool").path("name").asText() + " " + body.path("tool").path("version").asText());
            w.row("Started", body.path("started").asText(null));
            w.row("Ended", body.path("ended").asText(null));
            w.row("Job", body.path("jobId").asText(null));
            w.row("Run", body.path("runId").asText(null));
            w.row("Command", body.path("command").asText(null));
            w.row("Issued", body.path("issued").asText(null));

            w.section("Record and signature");
            w.row("Audit entry", "#" + body.path("audit").path("seq").asText() + " (the job's \"finished\" entry)");
            w.row("Audit entry hash", body.path("audit").path("hash").asText());
            w.row("Signature", "Ed25519 over the canonical JSON of the certificate body (embedded in this PDF as " + EMBEDDED + ")");
            w.row("Station key id", keyId);
            w.row("Certificate JSON SHA-256", jsonSha256);
            w.row("Certificate version", body.path("certificateVersion").asText());
            w.gap(3);
            w.note("Verify: lumia-agent certificate verify " + jobId + ".pdf");
            return w.finish(info(body, "Certificate of erasure, job " + jobId, keyId), Instant.parse(body.path("issued").asText()),
                    HexFormat.of().parseHex(jsonSha256), EMBEDDED, json);
        } catch (IOException e) {
            throw new UncheckedIOException("could not render the certificate's PDF", e);
        }
    }

    static byte[] batch(JsonNode body, String keyId, String jsonSha256, byte[] json) {
        String runId = body.path("runId").asText();
        try (PdfWriter w = new PdfWriter("lumia-agent batch summary, run " + runId)) {
            JsonNode counts = body.path("counts");
            w.status("BATCH SUMMARY: " + counts.path("issued").asText() + " ISSUED, " + counts.path("refused").asText() + " REFUSED, "
                    + counts.path("failed").asText() + " FAILED", INK);
            w.title("Erasure certificates of one run");
            w.note("Run " + runId + ", issued " + body.path("issued").asText() + " by " + body.path("tool").path("name").asText() + " "
                    + body.path("tool").path("version").asText() + ". Each phone's own certificate is the proof of its erasure; this "
                    + "summary lists them with the SHA-256 of each file.");
            w.section("Counts");
            w.row("Phones", counts.path("phones").asText());
            w.row("Certificates issued", counts.path("issued").asText());
            w.row("Certificates refused", counts.path("refused").asText() + " (the job succeeded but could not be certified)");
            w.row("Jobs failed", counts.path("failed").asText() + " (no certificate: the job did not end DONE)");
            w.row("Station", body.path("station").asText(null));
            w.section("Phones");
            for (JsonNode p : body.path("phones")) {
                // one block of rows per phone: a table would interleave its wrapped cells line by line
                w.row(p.path("jobId").asText(), p.path("phone").asText() + ", " + p.path("command").asText() + ", outcome "
                        + p.path("outcome").asText());
                w.row("    Certificate", p.path("certificate").asText() + (p.has("reason") ? ": " + p.path("reason").asText() : ""));
                if (p.has("jsonSha256")) {
                    w.row("    JSON SHA-256", p.path("jsonSha256").asText());
                }
                if (p.has("pdfSha256")) {
                    w.row("    PDF SHA-256", p.path("pdfSha256").asText());
                }
            }
            w.section("Signature");
            w.row("Station key id", keyId);
            w.row("Summary JSON SHA-256", jsonSha256);
            w.gap(6);
            w.note("Verify: lumia-agent certificate verify " + body.path("jobId").asText() + ".pdf");
            return w.finish(info(body, "Batch summary, run " + runId, keyId), Instant.parse(body.path("issued").asText()),
                    HexFormat.of().parseHex(jsonSha256), EMBEDDED, json);
        } catch (IOException e) {
            throw new UncheckedIOException("could not render the batch summary's PDF", e);
        }
    }

    private static void rows(PdfWriter w, JsonNode section, String[][] known, Set<String> hidden) throws IOException {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String[] k : known) {
            labels.put(k[0], k[1]);
        }
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (section.has(e.getKey())) {
                w.row(e.getValue(), section.get(e.getKey()).asText());
            }
        }
        // a field added to the body later is still shown, under its own name
        section.fieldNames().forEachRemaining(name -> {
            if (!labels.containsKey(name) && !hidden.contains(name)) {
                try {
                    w.row(name, section.get(name).asText());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
    }

    private static Map<String, String> info(JsonNode body, String title, String keyId) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("title", title);
        m.put("subject", body.path("status").asText(body.path("document").asText()));
        m.put("author", body.path("operator").asText(body.path("station").asText("")));
        m.put("keywords", "jobId=" + body.path("jobId").asText() + "; keyId=" + keyId);
        m.put("creator", body.path("tool").path("name").asText() + " " + body.path("tool").path("version").asText());
        return m;
    }
}
