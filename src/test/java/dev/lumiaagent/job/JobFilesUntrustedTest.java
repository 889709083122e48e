package dev.lumiaagent.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.transport.PortPath;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Job files are read back from disk and trusted for nothing (issue "Step 4 of 7"): a file holding
 * {@code null}, garbage or half a job is skipped by name, the others are still read; a job whose lists
 * were written as {@code null} reads with empty ones.
 */
class JobFilesUntrustedTest {
    @TempDir
    Path dir;

    private Job started(JobJournal journal, String at, String port) {
        return Checkpoint.start(journal, Clock.fixed(Instant.parse(at), ZoneOffset.UTC), "soft-reset",
                Map.of("consent", List.of("--yes")), PortPath.parse(port), new JobIdentity("356938035643809", null, null), "NORMAL").job();
    }

    /** Rewrites one field of a job file with {@code json}. */
    private static void set(Path file, String field, String json) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode) m.readTree(file.toFile());
        assertThat(o.has(field)).isTrue();
        o.set(field, m.readTree(json));
        Files.writeString(file, m.writeValueAsString(o));
    }

    @Test
    void unreadableFilesAreSkippedByNameAndTheOthersRead() throws Exception {
        JobJournal journal = new JobJournal(dir);
        Job good = started(journal, "2025-03-01T10:00:00Z", "1-4");
        Job runsNull = started(journal, "2025-03-01T10:00:01Z", "1-5");
        Job paramsNull = started(journal, "2025-03-01T10:00:02Z", "1-6");
        set(journal.file(runsNull.id), "runs", "null");
        set(journal.file(paramsNull.id), "params", "null");
        Path nullFile = journal.file("20250301-100003-000-aaaaaa");
        Files.writeString(nullFile, "null");
        Path garbage = journal.file("20250301-100004-000-bbbbbb");
        Files.writeString(garbage, "\u0000\u00ff{{not json");
        Path truncated = journal.file("20250301-100005-000-cccccc");
        String whole = Files.readString(journal.file(good.id)).replace(good.id, "20250301-100005-000-cccccc");
        Files.writeString(truncated, whole.substring(0, whole.length() / 2));
        Path noId = journal.file("20250301-100006-000-dddddd");
        Files.writeString(noId, "{\"command\": \"info\", \"port\": \"1-1\", \"state\": \"RUNNING\"}");
        Path otherId = journal.file("20250301-100007-000-eeeeee");
        Files.writeString(otherId, Files.readString(journal.file(good.id)));

        JobJournal.Listing l = journal.scan();
        assertThat(l.jobs()).extracting(j -> j.id).containsExactly(good.id, runsNull.id, paramsNull.id);
        assertThat(l.unreadable()).extracting(JobJournal.Unreadable::file).containsExactly(nullFile, garbage, truncated, noId, otherId);
        assertThat(l.unreadable()).extracting(JobJournal.Unreadable::reason).containsExactly("holds null, not a job",
                l.unreadable().get(1).reason(), l.unreadable().get(2).reason(), "no id",
                "id " + good.id + " is not the id its file name gives (20250301-100007-000-eeeeee)");
        assertThat(l.unreadable().get(1).reason()).startsWith("not a job in JSON (");
        assertThat(l.unreadable().get(2).reason()).startsWith("not a job in JSON (");
        assertThat(l.unreadable().get(0)).hasToString("warning: skipping unreadable job file " + nullFile + ": holds null, not a job");
        assertThat(l.running()).hasSize(3);
        assertThat(journal.list()).hasSize(3);

        Job r = journal.load(runsNull.id).orElseThrow();
        assertThat(r.runs).isEmpty();
        assertThat(r.lastStep()).isEmpty();
        Job p = journal.load(paramsNull.id).orElseThrow();
        assertThat(p.params).isEmpty();
        assertThat(p.param("consent")).isEmpty();
        assertThat(p.paramList("consent")).isEmpty();
        assertThatThrownBy(() -> journal.load("20250301-100003-000-aaaaaa")).isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(JobFileException.class).hasMessageContaining(nullFile.toString()).hasMessageContaining("holds null");
    }

    @Test
    void nullsInsideAJobReadAsEmpty() throws Exception {
        JobJournal journal = new JobJournal(dir);
        Job job = started(journal, "2025-03-01T10:00:00Z", "1-4");
        Path f = journal.file(job.id);
        String json = "{\"id\": \"" + job.id + "\", \"command\": \"info\", \"port\": \"1-4\", \"state\": \"RUNNING\", \"identity\": null,"
                + " \"params\": {\"ffu\": null, \"x\": [null, \"a\"]}, \"runs\": [null, {\"plan\": null, \"steps\": [null], \"gates\": null}]}";
        Files.writeString(f, json);
        Job j = journal.load(job.id).orElseThrow();
        assertThat(j.identity.isKnown()).isFalse();
        assertThat(j.paramList("ffu")).isEmpty();
        assertThat(j.param("x")).contains("a");
        assertThat(j.runs).hasSize(1);
        assertThat(j.runs.get(0).plan).isEmpty();
        assertThat(j.runs.get(0).steps).isEmpty();
        assertThat(j.runs.get(0).gates).isEmpty();
        assertThat(j.lastStep()).isEmpty();
    }

    @Test
    void aJobWithoutStatePortOrCommandOrWithABadTimeIsUnreadable() throws Exception {
        String id = "20250301-100000-000-abcdef";
        String base = "\"id\": \"" + id + "\"";
        Map<String, String> cases = Map.of(
                "{" + base + ", \"port\": \"1-4\", \"state\": \"RUNNING\"}", "no command",
                "{" + base + ", \"command\": \"info\", \"state\": \"RUNNING\"}", "no port",
                "{" + base + ", \"command\": \"info\", \"port\": \"x\", \"state\": \"RUNNING\"}", "port: not a USB port path: 'x'",
                "{" + base + ", \"command\": \"info\", \"port\": \"1-4\", \"state\": null}", "no state",
                "{" + base + ", \"command\": \"info\", \"port\": \"1-4\", \"state\": \"RUNNING\", \"updated\": \"yesterday\"}",
                "'yesterday' is not an ISO-8601 instant");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            assertThatThrownBy(() -> JobJournal.parse(c.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8), Path.of(id + ".json"), id))
                    .as(c.getKey()).isInstanceOf(JobFileException.class).extracting(e -> ((JobFileException) e).reason())
                    .asString().startsWith(c.getValue());
        }
    }
}
