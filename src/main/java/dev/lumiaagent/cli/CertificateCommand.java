package dev.lumiaagent.cli;

import dev.lumiaagent.certificate.CertificateVerifier;
import dev.lumiaagent.certificate.StationKey;
import dev.lumiaagent.paths.PrivateFiles;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStoreException;
import dev.lumiaagent.record.Since;
import dev.lumiaagent.record.StoredCertificate;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lumia-agent certificate}: the erasure certificates of the recorded jobs, written out, verified, and the key to check them. */
@Command(name = "certificate", mixinStandardHelpOptions = true,
        description = {"Writes the erasure certificates of recorded jobs (JSON for systems, PDF for people): one job by its id, "
                + "a phone's by its IMEI (or public ID, USB serial, chip serial), or every one issued --since a time, with a summary of each bench run among them. "
                + "A job whose certificate was refused is listed with the reason. See docs/certificates.md.",
                "`certificate verify FILE` checks a certificate (JSON or PDF): its signature, the signing key (this station's, or "
                        + "--key), the job's record and its audit entry in the record store; it names what does not match. "
                        + "`certificate export-key` prints this station's public key (PEM) to publish."},
        subcommands = {CertificateCommand.Verify.class, CertificateCommand.ExportKey.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:no certificate was found or written (the output says why)", "2:the command line was wrong",
                "6:the record store could not be opened or read"})
final class CertificateCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "JOB|PHONE", description = "A job id, or a phone: its IMEI, public ID, USB serial or chip serial (all of that phone's certificates).")
    String which;

    @Option(names = "--since", paramLabel = "WHEN", description = "Every certificate issued at or after WHEN (24h, 7d, 2025-05-01, an instant).")
    String since;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Where to write them (default: the current directory).")
    Path dir;

    @Mixin
    StoreOptions store;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if ((which == null) == (since == null)) {
            throw new IllegalArgumentException("give a job id, a phone (IMEI, public ID, serial) or --since WHEN (one of them), e.g. `lumia-agent certificate --since 24h`");
        }
        Path target = dir == null ? Path.of(".") : dir;
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new IllegalArgumentException(target + " is a file: -o takes a directory (made when it does not exist)");
        }
        try (RecordStore s = store.open()) {
            List<StoredCertificate> rows = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            if (since != null) {
                Instant from = Since.parse(since, Instant.now());
                rows.addAll(s.certificates(from.toString()));
            } else if (!dev.lumiaagent.job.JobJournal.isJobId(which)) {
                List<JobRecord> jobs = s.jobs(null).stream().filter(j -> j.isPhone(which)).toList();
                if (jobs.isEmpty()) {
                    err.println("error: no recorded job is of a phone named " + which + " (an IMEI, public ID, USB serial or chip serial)");
                    err.println("next step: `lumia-agent report` lists the recorded jobs and their phones; check the number");
                    return ExitCode.FAILED.code();
                }
                for (JobRecord j : jobs) {
                    s.certificate(j.jobId).ifPresentOrElse(rows::add, () -> missing.add(j.jobId + " (" + j.command + ", " + j.outcome + ")"));
                }
            } else {
                Optional<StoredCertificate> row = s.certificate(which);
                if (row.isEmpty()) {
                    Optional<JobRecord> job = s.job(which);
                    err.println("error: " + (job.isEmpty() ? "no recorded job has the id " + which
                            : "job " + which + " (" + job.get().command + ", " + job.get().outcome + ") has no certificate: "
                            + (CertifyOptions.ERASING.contains(job.get().command) ? "it ended before this agent made certificates, or the record "
                            + "store was failing when it ended" : "only erasing jobs (hard-reset, reflash, emergency) have one")));
                    err.println("next step: `lumia-agent report` lists the recorded jobs");
                    return ExitCode.FAILED.code();
                }
                rows.add(row.get());
            }
            rows.sort(Comparator.comparing(StoredCertificate::issued));
            int written = 0;
            for (StoredCertificate row : rows) {
                if (!row.isIssued()) {
                    out.println(row.jobId() + ": refused — " + row.reason());
                    continue;
                }
                Path json = target.resolve(row.jobId() + ".json");
                Path pdf = target.resolve(row.jobId() + ".pdf");
                PrivateFiles.createDirectories(target);
                PrivateFiles.write(json, row.json());
                if (row.pdf() != null) {
                    PrivateFiles.write(pdf, row.pdf());
                }
                written++;
                out.println(row.jobId() + ": " + (row.jobId().startsWith("batch-") ? "batch summary " : "") + json
                        + (row.pdf() != null ? ", " + pdf : "") + " (SHA-256 " + row.jsonSha256() + ")");
            }
            for (String m : missing) {
                out.println(m + ": no certificate");
            }
            out.println(written + " certificate" + (written == 1 ? "" : "s") + " written to " + target.toAbsolutePath().normalize()
                    + (rows.size() > written ? "; " + (rows.size() - written) + " refused (listed with the reason)" : ""));
            out.flush();
            return written > 0 ? ExitCode.OK.code() : ExitCode.FAILED.code();
        } catch (RecordStoreException e) {
            return StoreOptions.fail(e, err);
        } catch (IllegalArgumentException e) {
            if (since != null) {
                err.println("error: " + e.getMessage());
                err.println("next step: e.g. --since 24h");
                err.flush();
                return ExitCode.USAGE.code();
            }
            throw e;
        }
    }

    /** {@code certificate verify FILE}. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Checks one certificate (its .json, or its .pdf with the certificate embedded): the Ed25519 signature over its "
                    + "contents; that the key is this station's (or the one given with --key); and, in the record store, that the job's "
                    + "record has the certificate's values, that its audit entry is there with the certificate's hash and the chain is "
                    + "intact, and that this file is the one issued. Prints each check; names every mismatch."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the certificate verified", "2:the command line was wrong", "9:the certificate did not verify (the output says what does not match)"})
    static final class Verify implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "The certificate: JOB.json or JOB.pdf.")
        Path file;

        @Option(names = "--key", paramLabel = "PUB.pem", description = "The public key it must be signed by (default: this station's key).")
        Path key;

        @Mixin
        KeyDirOption keys;

        @Option(names = "--no-store", description = "Check the signature and key only (for someone without the station's record store).")
        boolean noStore;

        @Mixin
        StoreOptions store;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            FilePaths.requireFile(file, "FILE", "certificate", ".json", null);
            byte[] bytes = Files.readAllBytes(file);
            Optional<PublicKey> expected;
            String keyFrom;
            if (key != null) {
                FilePaths.requireFile(key, "--key", "public key", ".pem", null);
                expected = Optional.of(StationKey.readPublicKey(key));
                keyFrom = "the key in " + key;
            } else {
                Path dir = keys.dir();
                Path pub = dir.resolve(StationKey.PUBLIC_FILE);
                if (Files.exists(pub)) {
                    expected = Optional.of(StationKey.readPublicKey(pub));
                    keyFrom = "this station's key";
                } else {
                    expected = Optional.empty();
                    keyFrom = null;
                }
            }
            RecordStore s = null;
            String storeProblem = null;
            if (!noStore) {
                try {
                    s = store.open();
                } catch (RecordStoreException e) {
                    storeProblem = "the record store cannot be opened (" + e.getMessage() + ")";
                }
            }
            try {
                CertificateVerifier.Verification v = CertificateVerifier.verify(bytes, expected, s);
                out.println("certificate " + file + (v.jobId() == null ? "" : " (job " + v.jobId() + ")"));
                for (String ok : v.passed()) {
                    out.println("  ok: " + ok);
                }
                for (String bad : v.problems()) {
                    out.println("  NOT OK: " + bad);
                }
                if (keyFrom == null) {
                    out.println("  note: there is no station key here to compare with: only the key in the certificate was used; "
                            + "give --key PUB.pem (the station's published key, from `lumia-agent certificate export-key`)");
                }
                if (noStore) {
                    out.println("  note: --no-store: the job's record and audit entry were not checked");
                } else if (storeProblem != null) {
                    out.println("  NOT OK: " + storeProblem + ": the job's record and audit entry could not be checked; give --store URL, "
                            + "or --no-store to check the signature only");
                }
                boolean ok = v.ok() && storeProblem == null;
                out.println(ok ? "VERIFIED" : "NOT VERIFIED: " + (v.problems().isEmpty() ? storeProblem : v.problems().get(0)));
                out.flush();
                return ok ? ExitCode.OK.code() : ExitCode.NOT_VERIFIED.code();
            } finally {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    /** {@code certificate export-key}. */
    @Command(name = "export-key", mixinStandardHelpOptions = true,
            description = {"Prints this station's public key (PEM, Ed25519) and its id, to publish so that anyone can verify its "
                    + "certificates with `lumia-agent certificate verify FILE --key PUB.pem`. Makes the key pair on first use "
                    + "(the private key stays in the station's data directory, mode 0600)."})
    static final class ExportKey implements Callable<Integer> {
        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the PEM to FILE instead of stdout.")
        Path output;

        @Mixin
        KeyDirOption keys;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            Path dir = keys.dir();
            StationKey k = StationKey.loadOrCreate(dir);
            if (output != null) {
                Files.writeString(output, k.publicKeyPem());
                out.println("the public key of this station (id " + k.keyId() + ") written to " + output);
            } else {
                out.print(k.publicKeyPem());
                spec.commandLine().getErr().println("key id " + k.keyId() + " (the private key is in " + dir + ")");
            }
            out.flush();
            return ExitCode.OK.code();
        }
    }
}
