package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStores;
import dev.lumiaagent.record.StoredCertificate;
import dev.lumiaagent.testing.Tmux;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * At a terminal, an erasing job without an operator and a site asks for them once, before the phone is touched, and
 * the certificate names what was typed: tmux gives the agent a real terminal, the test types the answers.
 */
class CertifierPromptTmuxTest {
    @TempDir
    Path dir;

    @Test
    void anErasingJobAsksOnceForTheOperatorAndTheSiteAndItsCertificateNamesThem() throws Exception {
        String store = "jdbc:sqlite:" + dir.resolve("records.db");
        try (Tmux tmux = Tmux.startJava(dir, 120, 40, List.of("XDG_DATA_HOME=" + dir.resolve("data"), "XDG_CONFIG_HOME=" + dir.resolve("config"),
                        "LUMIA_AGENT_OPERATOR=", "LUMIA_AGENT_SITE=", "LUMIA_AGENT_CONFIG=", "TERM=xterm-256color"), Main.class,
                "hard-reset", "--simulate", "1", "--method", "settings", "--yes", "--store", store, "--jobs-dir", dir.resolve("jobs").toString(),
                "--key-dir", dir.resolve("keys").toString())) {
            tmux.awaitScreen(s -> s.stream().anyMatch(l -> l.startsWith("Operator (your name):")), Duration.ofSeconds(60));
            tmux.type("Kim Lee");
            tmux.awaitScreen(s -> s.stream().anyMatch(l -> l.startsWith("Site (where the phones are):")), Duration.ofSeconds(30));
            tmux.type("Leeds bench 2");
            tmux.awaitExit(Duration.ofSeconds(120));
            String all = String.join("\n", tmux.captureJoined());
            assertThat(all).contains("erasure certificate issued");
            assertThat(all.split("Operator \\(your name\\)", -1)).as("asked once").hasSize(2);
        }
        try (RecordStore s = RecordStores.open(store)) {
            JobRecord job = s.jobs(null).get(0);
            assertThat(job.operator).isEqualTo("Kim Lee");
            assertThat(job.site).isEqualTo("Leeds bench 2");
            StoredCertificate c = s.certificate(job.jobId).orElseThrow();
            assertThat(c.isIssued()).as(c.reason()).isTrue();
        }
    }
}
