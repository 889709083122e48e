package dev.lumiaagent.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code setup} into a temporary root with fake udevadm, systemctl and id that record their arguments and answer as
 * the bookworm programs do (notes-18 §2 udevadm, §5 systemctl; texts and exit codes [ran] there). Never the machine's /etc.
 */
class SetupTest {
    static final String CREATED = "Created symlink /etc/systemd/system/multi-user.target.wants/lumia-agent-station.service → "
            + "/etc/systemd/system/lumia-agent-station.service.";
    static final String REMOVED = "Removed \"/etc/systemd/system/multi-user.target.wants/lumia-agent-station.service\".";

    @TempDir
    Path dir;

    Path root;
    Path jar;
    FakePrograms fakes;
    final StringWriter said = new StringWriter();

    @BeforeEach
    void host() throws IOException {
        root = Files.createDirectories(dir.resolve("root"));
        jar = Files.writeString(dir.resolve("lumia-agent.jar"), "not really a jar");
        fakes = new FakePrograms(dir);
        fakes.answering("id", "0", "", 0);
        // a host with udevd and systemd: both answer nothing on stdout (notes-18 quick reference)
        fakes.answering("udevadm", "", "", 0);
        fakes.program("systemctl", "case \"$1\" in\n"
                + "  enable) echo '" + CREATED + "' >&2 ;;\n"
                + "  disable) echo '" + REMOVED + "' >&2 ;;\n"
                + "esac\nexit 0");
    }

    private Setup setup(Setup.Station station, boolean force, Boolean asRoot, HostOs os, Path at) {
        return new Setup(new Setup.Settings(at, os, fakes.exec(), asRoot, Path.of("/usr/lib/jvm/java-17/bin/java"), jar, station, force,
                List.of("lumia-agent", "setup", "--service"), null), new PrintWriter(said, true)).timeout(Duration.ofSeconds(2));
    }

    private Setup linux(Setup.Station station) {
        return setup(station, false, null, HostOs.LINUX, root);
    }

    static Setup.Station station() {
        return new Setup.Station("reflash", "/srv/firmware", "/etc/lumia-agent/consent.json", "bench-3", "Ana Ruiz", "Leeds", "jdbc:postgresql://db/fleet");
    }

    private String read(String absolute) throws IOException {
        return Files.readString(HostFiles.under(root, absolute), StandardCharsets.UTF_8);
    }

    private List<Path> filesUnderRoot() throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            List<Path> l = new ArrayList<>();
            s.filter(Files::isRegularFile).map(root::relativize).sorted().forEach(l::add);
            return l;
        }
    }

    @Test
    void setupWritesTheRulesAndTheServiceAndRunsExactlyTheCommandsInOrder() throws IOException {
        assertThat(linux(station()).install()).isEqualTo(Setup.Status.DONE);

        assertThat(Files.readAllBytes(HostFiles.under(root, HostFiles.RULES_PATH))).isEqualTo(HostFiles.rules());
        assertThat(read(Setup.ENV_PATH)).contains(
                "LUMIA_AGENT_STATION_ARGS=\"reflash --firmware-dir /srv/firmware --consent-policy /etc/lumia-agent/consent.json\"\n",
                "LUMIA_AGENT_CONFIG=/etc/lumia-agent/station.properties\n", "LUMIA_AGENT_OPERATOR=\"Ana Ruiz\"\n",
                "LUMIA_AGENT_SITE=\"Leeds\"\n", "LUMIA_AGENT_STORE=\"jdbc:postgresql://db/fleet\"\n");
        assertThat(Files.getPosixFilePermissions(HostFiles.under(root, Setup.ENV_PATH))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(read(Setup.CONFIG_PATH)).contains("station=bench-3\n", "operator=Ana Ruiz\n", "site=Leeds\n");
        assertThat(read(Setup.UNIT_PATH)).contains("Type=simple\n", "EnvironmentFile=/etc/lumia-agent/station.env\n",
                "ExecStart=/usr/lib/jvm/java-17/bin/java -jar " + jar.toAbsolutePath() + " station $LUMIA_AGENT_STATION_ARGS\n",
                "Restart=on-failure\n", "SupplementaryGroups=plugdev\n", "After=systemd-udevd.service\n", "WantedBy=multi-user.target\n");

        JsonNode manifest = new ObjectMapper().readTree(read(Setup.MANIFEST_PATH));
        List<String> recorded = new ArrayList<>();
        for (JsonNode f : manifest.path("files")) {
            recorded.add(f.path("path").asText());
            assertThat(f.path("sha256").asText()).isEqualTo(HostFiles.sha256(Files.readAllBytes(HostFiles.under(root, f.path("path").asText()))));
        }
        assertThat(recorded).containsExactly(HostFiles.RULES_PATH, Setup.CONFIG_PATH, Setup.ENV_PATH, Setup.UNIT_PATH);
        assertThat(filesUnderRoot()).containsExactlyInAnyOrder(Path.of("etc/udev/rules.d/51-lumia-agent.rules"),
                Path.of("etc/lumia-agent/station.properties"), Path.of("etc/lumia-agent/station.env"),
                Path.of("etc/lumia-agent/setup-manifest.json"), Path.of("etc/systemd/system/lumia-agent-station.service"));

        // under another root than / whether this process is root does not matter: id is not asked
        assertThat(fakes.calls()).containsExactly("udevadm control --reload", "udevadm trigger --subsystem-match=usb --action=add",
                "systemctl daemon-reload", "systemctl enable --now lumia-agent-station.service");
        assertThat(said.toString()).contains("no separate ModemManager filter is needed")
                .contains("ran systemctl enable --now lumia-agent-station.service: ok");
    }

    @Test
    void aSecondSetupUpdatesTheManifestAndKeepsWhatTheFirstWrote() throws IOException {
        linux(station()).install();
        linux(null).install();
        JsonNode manifest = new ObjectMapper().readTree(read(Setup.MANIFEST_PATH));
        List<String> recorded = new ArrayList<>();
        manifest.path("files").forEach(f -> recorded.add(f.path("path").asText()));
        assertThat(recorded).containsExactly(HostFiles.RULES_PATH, Setup.CONFIG_PATH, Setup.ENV_PATH, Setup.UNIT_PATH);
        assertThat(linux(null).uninstall()).isEqualTo(Setup.Status.DONE);
        assertThat(filesUnderRoot()).isEmpty();
    }

    @Test
    void uninstallRemovesExactlyWhatSetupWroteAndNothingElse() throws IOException {
        linux(station()).install();
        Path mine = Files.writeString(HostFiles.under(root, "/etc/udev/rules.d/70-someone-else.rules"), "# not ours\n");
        Path mine2 = Files.writeString(HostFiles.under(root, "/etc/lumia-agent/notes.txt"), "kept\n");
        Path mine3 = Files.writeString(HostFiles.under(root, "/etc/systemd/system/other.service"), "[Unit]\n");
        int before = fakes.calls().size();

        assertThat(linux(null).uninstall()).isEqualTo(Setup.Status.DONE);

        assertThat(filesUnderRoot()).containsExactlyInAnyOrder(root.relativize(mine), root.relativize(mine2), root.relativize(mine3));
        assertThat(fakes.calls().subList(before, fakes.calls().size())).containsExactly(
                "systemctl disable --now lumia-agent-station.service", "systemctl daemon-reload", "udevadm control --reload");
        assertThat(said.toString()).contains("removed " + HostFiles.under(root, Setup.MANIFEST_PATH));
    }

    @Test
    void aFileChangedSinceSetupIsNamedAndLeftUnlessForced() throws IOException {
        linux(null).install();
        Path rules = HostFiles.under(root, HostFiles.RULES_PATH);
        Files.writeString(rules, "# edited by the administrator\n");

        assertThat(linux(null).uninstall()).isEqualTo(Setup.Status.DONE_WITH_WARNINGS);
        assertThat(rules).exists();
        assertThat(said.toString()).contains("left: " + rules + " was changed since setup wrote it");
        assertThat(read(Setup.MANIFEST_PATH)).contains(HostFiles.RULES_PATH);

        assertThat(setup(null, true, null, HostOs.LINUX, root).uninstall()).isEqualTo(Setup.Status.DONE);
        assertThat(rules).doesNotExist();
        assertThat(HostFiles.under(root, Setup.MANIFEST_PATH)).doesNotExist();
    }

    @Test
    void uninstallWithoutAManifestChangesNothing() {
        assertThat(linux(null).uninstall()).isEqualTo(Setup.Status.NOTHING_CHANGED);
        assertThat(said.toString()).contains("nothing to remove");
        assertThat(fakes.calls()).isEmpty();
    }

    @Test
    void notRootOnTheRealRootPrintsTheCommandsAndChangesNothing() {
        // asRoot is given as false: this test must never be able to write the machine's own /etc
        Setup.Status s = setup(station(), false, Boolean.FALSE, HostOs.LINUX, Path.of("/")).install();
        assertThat(s).isEqualTo(Setup.Status.NOTHING_CHANGED);
        assertThat(said.toString()).contains("not root: nothing was changed", "  write /etc/udev/rules.d/51-lumia-agent.rules",
                "  run   udevadm control --reload", "  run   systemctl enable --now lumia-agent-station.service",
                "  sudo lumia-agent setup --service");
        assertThat(fakes.calls()).isEmpty();
    }

    @Test
    void rootIsWhatIdSays() {
        assertThat(linux(null).isRoot()).isTrue();
        fakes.answering("id", "1000", "", 0);
        assertThat(linux(null).isRoot()).isFalse();
    }

    @Test
    void noUdevdNoSystemdAndMissingUdevadmAreNamed() throws IOException {
        // a container: control --reload rc 1 (notes-18 §2 [ran]); systemctl rc 1 with the "not booted" text (§5 [ran])
        fakes.program("udevadm", "case \"$1\" in control) echo 'Failed to send reload request: No such file or directory' >&2; exit 1;; esac\nexit 0");
        fakes.answering("systemctl", "", "System has not been booted with systemd as init system (PID 1). Can't operate.\n"
                + "Failed to connect to bus: Host is down", 1);
        assertThat(linux(station()).install()).isEqualTo(Setup.Status.DONE_WITH_WARNINGS);
        assertThat(said.toString()).contains("udevadm control --reload: exit 1 (Failed to send reload request: No such file or directory): "
                + "udev is not running here: the rules take effect at the next boot")
                .contains("systemd is not running here, so `systemctl enable --now lumia-agent-station.service` did not take effect");
        assertThat(HostFiles.under(root, Setup.UNIT_PATH)).exists();

        Files.delete(dir.resolve("bin").resolve("udevadm"));
        said.getBuffer().setLength(0);
        linux(null).install();
        assertThat(said.toString()).contains("udevadm is not installed: udev is not running here: the rules take effect at the next boot");
    }

    @Test
    void aHangingCommandIsStoppedAndNamed() {
        fakes.hanging("udevadm");
        assertThat(linux(null).install()).isEqualTo(Setup.Status.DONE_WITH_WARNINGS);
        assertThat(said.toString()).contains("udevadm control --reload: still running after");
    }

    @Test
    void windowsPrintsThePnputilCommandAndChangesNothing() throws IOException {
        assertThat(setup(null, false, null, HostOs.WINDOWS, root).install()).isEqualTo(Setup.Status.NOTHING_CHANGED);
        assertThat(said.toString()).contains("pnputil /add-driver \"drivers\\windows\\lumia-agent-winusb.inf\" /install");
        assertThat(filesUnderRoot()).isEmpty();
        assertThat(fakes.calls()).isEmpty();
    }

    @Test
    void badServiceSettingsAreNamedErrors() {
        assertThatThrownBy(() -> linux(new Setup.Station("wipe", null, null, null, null, null, null)).install())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--job wipe is not a station job");
        assertThatThrownBy(() -> linux(new Setup.Station("reflash", "/srv/my firmware", null, null, null, null, null)).install())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--firmware-dir \"/srv/my firmware\"");
    }
}
