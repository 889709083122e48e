package dev.lumiaagent.cli;

import dev.lumiaagent.record.AuditEntry;
import dev.lumiaagent.record.AuditLog;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStoreException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lumia-agent audit verify|show}: the hash-chained audit log in the record store. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "The audit log: what was done to which phone, by whom, where; every entry hash-chained to the one "
                + "before it.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Show.class})
final class AuditCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Walks the whole chain and names the first entry that was changed, deleted or inserted, and "
                    + "notices deleted newest entries.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the audit log is intact", "6:the record store could not be opened or read",
                    "7:the chain is broken: the message names the first broken entry"})
    static final class Verify implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            AuditLog.AuditVerification v;
            String where;
            AuditEntry newest = null;
            try (RecordStore s = store.open()) {
                where = s.describe();
                v = s.audit().verify();
                if (v.ok() && v.entries() > 0) {
                    List<AuditEntry> all = s.audit().entries();
                    newest = all.get(all.size() - 1);
                }
            } catch (RecordStoreException e) {
                return StoreOptions.fail(e, err);
            }
            if (!v.ok()) {
                err.println("error: the audit log in " + where + " is broken: " + v.problem());
                err.println("next step: keep a copy of the database as it is now (it is the evidence), compare it with a "
                        + "backup and find out who could write to it; the agent keeps appending, and this break stays "
                        + "visible to every later verify.");
                err.flush();
                return ExitCode.AUDIT_BROKEN.code();
            }
            out.println("audit log intact: " + v.entries() + " entries in " + where);
            if (newest != null) {
                out.println("newest entry #" + newest.seq() + " hash " + newest.hash()
                        + " (kept elsewhere, it shows later whether the log was rewritten up to here)");
            }
            out.flush();
            return ExitCode.OK.code();
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Prints the entries, oldest first.")
    static final class Show implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Option(names = "--job", paramLabel = "ID", description = "Only the entries of this job.")
        String job;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<AuditEntry> entries;
            String where;
            try (RecordStore s = store.open()) {
                where = s.describe();
                entries = s.audit().entries();
            } catch (RecordStoreException e) {
                return StoreOptions.fail(e, spec.commandLine().getErr());
            }
            int shown = 0;
            for (AuditEntry e : entries) {
                if (job != null && !job.equals(e.jobId())) {
                    continue;
                }
                out.printf("#%-6d %s %-12s %-10s %-8s %-28s %s%s%n", e.seq(), e.at(), dash(e.station()), dash(e.operator()),
                        dash(e.port()), dash(e.jobId()), e.event(), e.detail() == null || e.detail().isEmpty() ? "" : " — " + e.detail());
                shown++;
            }
            if (shown == 0) {
                out.println(job == null ? "The audit log in " + where + " is empty."
                        : "No audit entries for job " + job + " in " + where + ".");
            }
            out.flush();
            return ExitCode.OK.code();
        }

        private static String dash(String s) {
            return s == null || s.isEmpty() ? "-" : s;
        }
    }
}
