package dev.lumiaagent.certificate;

import dev.lumiaagent.record.AuditEntry;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.JobRecord.EvidenceRecord;
import dev.lumiaagent.record.RecordStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Erasing jobs as the job runner records them (record.RecordStoreContract's fixtures, grown by the evidence each
 * method reports), and the way they end: saved, "started" and "finished" in the audit log, certificate issued.
 */
final class Jobs {
    static final String OPERATOR = "Kim Okafor";
    static final String SITE = "Leeds bench 2";
    static final String STATION = "bench-a";
    static final Tool TOOL = Tool.lumiaAgent("0.1.0");
    static final Instant ISSUED = Instant.parse("2026-12-03T21:20:05Z");
    static final String FFU = "/srv/ffu/RM1085_1078.0053.10586.13169.12745.034A4A_retail_prod_signed.ffu";
    static final String FFU_SHA = "9f2c4e71b0a85d3c6e1f7a29d4b8c0e5f3a6172839d4e5f60718293a4b5c6d7e";

    /** The methods, and the command that runs each. */
    enum Method {
        SETTINGS("hard-reset", "settings-reset"), KEYS("hard-reset", "key-reset"), USB_WIPE("hard-reset", "usb-wipe"),
        REFLASH("reflash", "reflash"), EMERGENCY("emergency", "emergency-reflash");

        final String command;
        final String evidence;

        Method(String command, String evidence) {
            this.command = command;
            this.evidence = evidence;
        }
    }

    private Jobs() {
    }

    static JobRecord job(String id, Method method) {
        JobRecord j = new JobRecord();
        j.jobId = id;
        j.runId = "run-20261203-2101";
        j.command = method.command;
        j.station = STATION;
        j.operator = OPERATOR;
        j.site = SITE;
        j.port = "1-2.3";
        j.productType = "RM-1085";
        j.productCode = "059X4T9";
        j.imei = "356969071234567";
        j.publicId = "3A1F0C9D7E5B2468ACE013579BDF2468ACE01357";
        j.usbSerial = "c2a83e51f09b4d7aa6e04f1b9d3c5e72";
        j.platformId = "Microsoft.MSM8994.P6211.2.2";
        j.startMode = method == Method.EMERGENCY ? "EMERGENCY_DOWNLOAD" : method == Method.USB_WIPE ? "UEFI" : "NORMAL";
        j.deviceInfo.put("manufacturerModelName", "RM-1085_15169");
        j.deviceInfo.put("osVersion", "10.0.15254.603");
        j.deviceInfo.put("emmcSectors", "61071360");
        j.deviceInfo.put("emmcManufacturer", "Samsung (0x15)");
        j.deviceInfo.put("batteryPercent", "78");
        if (method == Method.REFLASH || method == Method.EMERGENCY) {
            j.firmwareFile = FFU;
            j.firmwareSha256 = FFU_SHA;
        }
        j.started = "2026-12-03T21:02:11Z";
        j.ended = "2026-12-03T21:19:47Z";
        j.attempts = 1;
        j.gates.add(new JobRecord.GateRecord(1, "BATTERY", "PASS", "78 %", false));
        j.gates.add(new JobRecord.GateRecord(1, "CONSENT", "PASSED", "the operator confirmed the erase of IMEI 356969071234567", true));
        j.steps.add(new JobRecord.StepRecord(1, "ConfirmIdentity", true, "same phone", "2026-12-03T21:19:40Z"));
        switch (method) {
            case SETTINGS:
            case KEYS:
                erased(j, method.evidence, "the phone began its own reset (" + (method == Method.KEYS ? "key sequence" : "Settings")
                        + ") and left the bus", "2026-12-03T21:03:30Z");
                check(j, "reset-observed", true, "left the bus 21:03:31, back in normal mode 21:19:02 (15 min 31 s)", "2026-12-03T21:19:02Z");
                check(j, "same-phone", true, "IMEI, public ID and USB serial equal the ones read before", "2026-12-03T21:19:40Z");
                break;
            case USB_WIPE:
                erased(j, method.evidence, "NOKXFP \"Data\" accepted: the Data partition erased", "2026-12-03T21:04:10Z");
                check(j, "erase-acknowledged", true, "the flash app answered NOKXFP with status 0", "2026-12-03T21:04:10Z");
                check(j, "booted-os", true, "normal mode after 14 min 52 s", "2026-12-03T21:19:02Z");
                check(j, "same-phone", true, "IMEI, public ID and USB serial equal the ones read before", "2026-12-03T21:19:40Z");
                break;
            case REFLASH:
                check(j, "ffu-verified", true, "2 611 chunks matched the FFU's hash table; SHA-256 " + FFU_SHA, "2026-12-03T21:03:02Z");
                erased(j, method.evidence, "wrote 2 611 chunks (5 475 663 872 bytes) of the FFU payload", "2026-12-03T21:15:44Z");
                check(j, "flash-app-accepted", true, "the flash app accepted all 2 611 chunks", "2026-12-03T21:15:44Z");
                check(j, "booted-os", true, "normal mode after 3 min 20 s", "2026-12-03T21:19:04Z");
                check(j, "same-phone", true, "IMEI, public ID and USB serial equal the ones read before", "2026-12-03T21:19:40Z");
                break;
            case EMERGENCY:
                erased(j, method.evidence, "Firehose programmed 5 475 663 872 bytes of the raw image", "2026-12-03T21:16:20Z");
                check(j, "readback-digest", true, "read back 5 475 663 872 bytes; SHA-256 equals the image's", "2026-12-03T21:18:51Z");
                check(j, "booted-os", false, "over serial only: the phone did not show normal mode on USB", "2026-12-03T21:19:40Z");
                break;
            default:
                throw new AssertionError(method);
        }
        j.outcome = JobRecord.DONE;
        j.summary = "erased";
        return j;
    }

    static void erased(JobRecord j, String method, String detail, String at) {
        j.evidence.add(new EvidenceRecord(j.attempts, "ERASURE", method, true, detail, at));
    }

    static void check(JobRecord j, String name, boolean ok, String detail, String at) {
        j.evidence.add(new EvidenceRecord(j.attempts, "CHECK", name, ok, detail, at));
    }

    /** Saves the job and its audit entries, as the runner does at the job's end; returns the job's audit entries. */
    static List<AuditEntry> record(RecordStore store, JobRecord j) {
        store.save(j);
        store.audit().append(j.station, j.operator, j.jobId, j.port, "started", j.command + " on " + j.port);
        store.audit().append(j.station, j.operator, j.jobId, j.port, "finished", j.outcome + ": " + j.summary);
        return store.audit().entriesOf(j.jobId, 0);
    }

    static Optional<Certifier> certifier() {
        return Optional.of(new Certifier(OPERATOR, SITE));
    }

    /** Records the job, issues its certificate and keeps the row, as the runner does. */
    static Decision issue(RecordStore store, JobRecord j, StationKey key) {
        Decision d = Certificates.issue(j, record(store, j), certifier(), TOOL, key, ISSUED);
        store.saveCertificate(d.row());
        return d;
    }
}
