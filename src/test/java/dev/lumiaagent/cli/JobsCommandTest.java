package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumiaagent.job.Job;
import dev.lumiaagent.job.JobJournal;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `jobs --phone ID`: one phone's job files, found by any name its job files give it. */
class JobsCommandTest {
    @TempDir
    Path dir;

    @Test
    void onePhonesJobsByItsImeiOrUsbSerial() throws Exception {
        Path jobs = dir.resolve("jobs");
        CliRunner.Result b = CliRunner.run("batch", "info", "--simulate", "2", "--sim-speed", "200", "--jobs-dir", jobs.toString(),
                "--store", "jdbc:sqlite:" + dir.resolve("records.db"));
        assertThat(b.exitCode()).as(b.out() + b.err()).isZero();
        List<Job> all = new JobJournal(jobs).list();
        assertThat(all).hasSize(2);
        // the simulated bench's 1-1 is in its OS (it tells its IMEI), 1-2 in UEFI (its public ID)
        Job first = all.stream().filter(j -> j.identity.imei() != null).findFirst().orElseThrow();
        Job other = all.stream().filter(j -> j != first).findFirst().orElseThrow();
        String imei = first.identity.imei();

        CliRunner.Result r = CliRunner.run("jobs", "--phone", imei, "--json", "--jobs-dir", jobs.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode shown = new ObjectMapper().readTree(r.out());
        assertThat(shown).hasSize(1);
        assertThat(shown.get(0).path("id").asText()).isEqualTo(first.id);

        assertThat(other.identity.publicId()).isNotBlank();
        CliRunner.Result byPublicId = CliRunner.run("jobs", "--phone", other.identity.publicId().toLowerCase(java.util.Locale.ROOT),
                "--jobs-dir", jobs.toString());
        assertThat(byPublicId.out()).as("letter case aside").contains(other.id).doesNotContain(first.id);
        CliRunner.Result none = CliRunner.run("jobs", "--phone", "000000000000000", "--jobs-dir", jobs.toString());
        assertThat(none.exitCode()).isZero();
        assertThat(none.out()).startsWith("No job of a phone named 000000000000000");
    }
}
