package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.job.Checkpoint;
import dev.lumiaagent.job.Job;
import dev.lumiaagent.job.JobIdentity;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.job.JobState;
import dev.lumiaagent.transport.PortPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One bad job file among good ones (issue "Step 4 of 7"): `jobs --all` and `resume` name it on a
 * warning line and carry on with the others; a job whose runs or params were written as null is shown
 * and resumed as one with none. Before: every job failed with "unexpected failure: java.lang.NullPointerException".
 */
class UnreadableJobFilesTest {
    @TempDir
    Path dir;
    Path bench;
    Path jobs;
    JobJournal journal;
    Job good;
    Job runsNull;
    Job paramsNull;
    Path nullFile;
    Path garbage;
    Path truncated;

    @BeforeEach
    void jobs() throws Exception {
        bench = dir.resolve("bench.json");
        Files.writeString(bench, "{\"phones\": [{\"port\": \"1-5\", \"model\": \"RM-914\", \"mode\": \"normal\"},"
                + "{\"port\": \"1-6\", \"model\": \"RM-1104\", \"mode\": \"normal\"},"
                + "{\"port\": \"1-7\", \"model\": \"RM-1045\", \"mode\": \"normal\"}]}");
        jobs = dir.resolve("jobs");
        journal = new JobJournal(jobs);
        good = Checkpoint.start(journal, "soft-reset", Map.of(), PortPath.parse("1-5"), new JobIdentity(null, null, null), "NORMAL").job();
        runsNull = Checkpoint.start(journal, "soft-reset", Map.of(), PortPath.parse("1-6"), new JobIdentity(null, null, null), "NORMAL").job();
        paramsNull = Checkpoint.start(journal, "info", Map.of(), PortPath.parse("1-7"), new JobIdentity(null, null, null), "NORMAL").job();
        rewrite(runsNull, "runs");
        rewrite(paramsNull, "params");
        nullFile = jobs.resolve("20200101-000000-000-aaaaaa.json");
        Files.writeString(nullFile, "null");
        garbage = jobs.resolve("20200101-000000-001-bbbbbb.json");
        Files.writeString(garbage, "]]garbage");
        truncated = jobs.resolve("20200101-000000-002-cccccc.json");
        String whole = Files.readString(journal.file(good.id)).replace(good.id, "20200101-000000-002-cccccc");
        Files.writeString(truncated, whole.substring(0, whole.length() - 20));
    }

    /** The field written as JSON null, as a hand edit or another tool might leave it. */
    private void rewrite(Job job, String field) throws Exception {
        Path f = journal.file(job.id);
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode) m.readTree(f.toFile());
        assertThat(o.has(field)).isTrue();
        o.putNull(field);
        Files.writeString(f, m.writeValueAsString(o));
    }

    private void eachBadFileNamedOnce(CliRunner.Result r) {
        for (Path f : new Path[] {nullFile, garbage, truncated}) {
            assertThat(r.err()).containsOnlyOnce("warning: skipping unreadable job file " + f + ": ");
        }
        assertThat(r.err()).contains(nullFile + ": holds null, not a job").doesNotContain("unexpected failure");
    }

    @Test
    void jobsAllNamesTheBadFilesAndListsTheOthers() {
        CliRunner.Result r = CliRunner.run("jobs", "--all", "--jobs-dir", jobs.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        eachBadFileNamedOnce(r);
        assertThat(r.out()).contains(good.id).contains(runsNull.id).contains(paramsNull.id).contains("3 job(s) RUNNING");

        CliRunner.Result j = CliRunner.run("jobs", "--all", "--json", "--jobs-dir", jobs.toString());
        assertThat(j.exitCode()).isZero();
        assertThat(j.out()).startsWith("[").contains(runsNull.id).doesNotContain("warning");
        eachBadFileNamedOnce(j);
    }

    @Test
    void resumeNamesTheBadFilesAndResumesTheOthers() throws Exception {
        CliRunner.Result r = CliRunner.run("resume", "--bench", bench.toString(), "--sim-speed", "200", "--yes", "--jobs-dir", jobs.toString(),
                "--store", "jdbc:sqlite:" + dir.resolve("records.db"), "--max-parallel", "3");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        eachBadFileNamedOnce(r);
        assertThat(r.out()).contains("resume 3 unfinished jobs on").contains("Succeeded 3");
        for (Job j : new Job[] {good, runsNull, paramsNull}) {
            assertThat(journal.load(j.id).orElseThrow().state).as(j.port).isEqualTo(JobState.DONE);
        }
        assertThat(Files.readString(nullFile)).as("a file that does not read is left as it is").isEqualTo("null");
    }

    /** `diag` of a job whose file does not read still makes the bundle: the file as it is, and why it does not read. */
    @Test
    void diagBundlesAnUnreadableJobFileWithTheReason() throws Exception {
        Path zip = dir.resolve("diag.zip");
        CliRunner.Result d = CliRunner.run("diag", "20200101-000000-000-aaaaaa", "-o", zip.toString(), "--store",
                "jdbc:sqlite:" + dir.resolve("records.db"), "--jobs-dir", jobs.toString());
        assertThat(d.err()).doesNotContain("unexpected failure");
        assertThat(d.exitCode()).as(d.out() + d.err()).isZero();
        java.util.Map<String, String> entries = new java.util.HashMap<>();
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
            for (java.util.zip.ZipEntry e : java.util.Collections.list(z.entries())) {
                entries.put(e.getName(), new String(z.getInputStream(e).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        assertThat(entries.get("job.json")).isEqualTo("null");
        assertThat(entries.get("job.json.unreadable.txt")).contains(nullFile.toString()).contains("holds null, not a job");
    }
}
