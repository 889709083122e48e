package dev.lumiaagent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumiaagent.transport.discovery.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchSpecTest {

    @Test
    void aMixedBenchOfFourHasFourPersonalities() {
        BenchSpec spec = BenchSpec.mixed(4);
        assertThat(spec.phones()).hasSize(4);
        assertThat(spec.phones()).extracting(BenchSpec.PhoneSpec::mode).doesNotHaveDuplicates();
        assertThat(spec.phones()).extracting(p -> p.model().productType()).doesNotHaveDuplicates();
        spec.phones().forEach(p -> assertThat(BenchSpec.isValidImei(p.imei())).isTrue());
    }

    @Test
    void largeBenchesUseHubsAndUniquePortsAndIdentities() {
        BenchSpec spec = BenchSpec.mixed(32);
        Set<String> ports = new HashSet<>();
        Set<String> imeis = new HashSet<>();
        spec.phones().forEach(p -> {
            ports.add(p.port().toString());
            imeis.add(p.imei());
        });
        assertThat(ports).hasSize(32).contains("1-1.1", "1-5.4");
        assertThat(imeis).hasSize(32);
        assertThat(spec.phones()).extracting(BenchSpec.PhoneSpec::link).contains(LinkKind.PACKET, LinkKind.STREAM);
    }

    @Test
    void readsABenchFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bench.json");
        Files.writeString(f, "{\"clockSpeed\": 120, \"phones\": ["
                + "{\"port\": \"1-1\", \"model\": \"Lumia 950\", \"mode\": \"uefi\", \"battery\": 40},"
                + "{\"port\": \"1-2.1\", \"model\": \"rm914\", \"mode\": \"normal\", \"faults\": [\"dead-battery\"], \"link\": \"stream\"}"
                + "]}");
        BenchSpec spec = BenchSpec.read(f);
        assertThat(spec.clockSpeed()).isEqualTo(120.0);
        assertThat(spec.phones().get(0).model().productType()).isEqualTo("RM-1104");
        assertThat(spec.phones().get(0).mode()).isEqualTo(Mode.UEFI);
        assertThat(spec.phones().get(0).battery()).isEqualTo(40);
        assertThat(spec.phones().get(1).build().mode()).isEqualTo(Mode.EMERGENCY_CHARGING);
        assertThat(spec.phones().get(1).battery()).isZero();
        assertThat(spec.phones().get(1).link()).isEqualTo(LinkKind.STREAM);
    }

    @Test
    void aPhoneCanHaveAWriteRateAndADigestStorage() throws Exception {
        ObjectMapper json = new ObjectMapper();
        BenchSpec spec = BenchSpec.parse(json.readTree("{\"clockSpeed\": 1, \"phones\": ["
                + "{\"port\": \"1-1\", \"model\": \"RM-1104\", \"mode\": \"flash\", \"writeRateKiBs\": 8192, \"storage\": \"digest\"},"
                + "{\"port\": \"1-2\", \"model\": \"RM-1104\"}]}"));
        BenchSpec.PhoneSpec rated = spec.phones().get(0);
        assertThat(rated.writeRateKiBs()).isEqualTo(8192);
        assertThat(rated.storage()).isEqualTo(SimStorage.DIGEST);
        SimPhone phone = rated.build();
        assertThat(phone.writeRateKiBs()).isEqualTo(8192);
        assertThat(phone.storage()).isEqualTo(SimStorage.DIGEST);
        BenchSpec.PhoneSpec plain = spec.phones().get(1);
        assertThat(plain.writeRateKiBs()).isZero();
        assertThat(plain.storage()).isEqualTo(SimStorage.CONTENT);
        assertThat(plain.build().writeRateKiBs()).isZero();
        assertThat(plain.withEmmc(4096, SimStorage.DISCARD).build().storage()).isEqualTo(SimStorage.DISCARD);

        assertThatThrownBy(() -> BenchSpec.parse(json.readTree("{\"phones\": [{\"port\": \"1-1\", \"model\": \"RM-1104\", \"writeRateKiBs\": 0}]}")))
                .hasMessageContaining("phones[0]").hasMessageContaining("writeRateKiBs must be a positive whole number");
        assertThatThrownBy(() -> BenchSpec.parse(json.readTree("{\"phones\": [{\"port\": \"1-1\", \"model\": \"RM-1104\", \"writeRateKiBs\": \"fast\"}]}")))
                .hasMessageContaining("writeRateKiBs must be a positive whole number");
        assertThatThrownBy(() -> BenchSpec.parse(json.readTree("{\"phones\": [{\"port\": \"1-1\", \"model\": \"RM-1104\", \"writeRateKiBs\": 8.5}]}")))
                .hasMessageContaining("writeRateKiBs must be a positive whole number");
        assertThatThrownBy(() -> BenchSpec.parse(json.readTree("{\"phones\": [{\"port\": \"1-1\", \"model\": \"RM-1104\", \"storage\": \"tape\"}]}")))
                .hasMessageContaining("storage must be \"content\", \"digest\" or \"discard\"");
    }

    @Test
    void badBenchFilesGetNamedErrors(@TempDir Path dir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThatThrownBy(() -> BenchSpec.parse(json.readTree("{\"phones\": []}")))
                .hasMessageContaining("non-empty array");
        assertThatThrownBy(() -> BenchSpec.parse(json.readTree("{\"phones\": [{\"port\": \"1-1\", \"model\": \"Lumia 9000\"}]}")))
                .hasMessageContaining("phones[0]").hasMessageContaining("unknown simulated model").hasMessageContaining("RM-914");
        assertThatThrownBy(() -> BenchSpec.parse(json.readTree("{\"phones\": [{\"port\": \"1-1\", \"model\": \"RM-914\", \"faults\": [\"explode\"]}]}")))
                .hasMessageContaining("unknown simulated fault 'explode'").hasMessageContaining("dead-battery");
        assertThatThrownBy(() -> BenchSpec.parse(json.readTree("{\"phones\": [{\"port\": \"1-1\", \"model\": \"RM-914\", \"mode\": \"sleeping\"}]}")))
                .hasMessageContaining("unknown mode 'sleeping'");
        assertThatThrownBy(() -> BenchSpec.parse(json.readTree("{\"phones\": [{\"port\": \"1-1\", \"model\": \"RM-914\", \"imei\": \"356938035643800\"}]}")))
                .hasMessageContaining("Luhn");
        assertThatThrownBy(() -> BenchSpec.parse(json.readTree("{\"phones\": [{\"port\": \"1-1\", \"model\": \"RM-914\"},{\"port\": \"1-1\", \"model\": \"RM-914\"}]}")))
                .hasMessageContaining("two phones on port 1-1");
        assertThatThrownBy(() -> BenchSpec.parse(json.readTree("{\"phones\": [{\"port\": \"1-1\", \"model\": \"RM-914\", \"colour\": \"red\"}]}")))
                .hasMessageContaining("unknown field \"colour\"");
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{not json");
        assertThatThrownBy(() -> BenchSpec.read(broken)).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> BenchSpec.read(dir.resolve("missing.json"))).hasMessageContaining("not found");
    }

    @Test
    void imeiCheckDigitFollowsLuhn() {
        assertThat(BenchSpec.isValidImei("356938035643809")).isTrue(); // a published valid example
        assertThat(BenchSpec.isValidImei("356938035643808")).isFalse();
        assertThat(BenchSpec.isValidImei("35693803564380")).isFalse();
    }

    private static Path bench(Path dir, String phone, String root) throws Exception {
        Path f = dir.resolve("bench.json");
        Files.writeString(f, "{" + root + "\"phones\": [{\"port\": \"1-1\", \"model\": \"RM-914\"" + phone + "}]}");
        return f;
    }

    @Test
    void aStringWhereANumberBelongsIsANamedErrorNotADefault(@TempDir Path dir) throws Exception {
        Path f = bench(dir, ", \"battery\": \"full\"", "");
        assertThatThrownBy(() -> BenchSpec.read(f)).isInstanceOf(BenchSpecException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("phones[0]").hasMessageContaining("\"battery\"")
                .hasMessageContaining("whole number 0..100").hasMessageContaining("the string \"full\"");
        Path fast = bench(dir, "", "\"clockSpeed\": \"fast\", ");
        assertThatThrownBy(() -> BenchSpec.read(fast)).hasMessageContaining(fast.toString()).hasMessageContaining("\"clockSpeed\"")
                .hasMessageContaining("0.1..100000").hasMessageContaining("the string \"fast\"");
        assertThatThrownBy(() -> BenchSpec.read(bench(dir, ", \"battery\": 55.5", ""))).hasMessageContaining("\"battery\"")
                .hasMessageContaining("55.5");
        assertThatThrownBy(() -> BenchSpec.read(bench(dir, ", \"battery\": null", ""))).hasMessageContaining("\"battery\"")
                .hasMessageContaining("not null");
        assertThatThrownBy(() -> BenchSpec.read(bench(dir, ", \"battery\": true", ""))).hasMessageContaining("the boolean true");
        assertThatThrownBy(() -> BenchSpec.read(bench(dir, ", \"writeRateKiBs\": \"8192\"", ""))).hasMessageContaining("writeRateKiBs");
    }

    @Test
    void stringFieldsMustBeStrings(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> BenchSpec.read(bench(dir, ", \"mode\": 3", ""))).hasMessageContaining("\"mode\" must be a string, not 3");
        assertThatThrownBy(() -> BenchSpec.read(bench(dir, ", \"imei\": 356938035643809", "")))
                .hasMessageContaining("\"imei\" must be a string");
        assertThatThrownBy(() -> BenchSpec.read(bench(dir, ", \"link\": null", ""))).hasMessageContaining("\"link\" must be a string");
        assertThatThrownBy(() -> BenchSpec.read(bench(dir, ", \"usbSerial\": {}", ""))).hasMessageContaining("\"usbSerial\"")
                .hasMessageContaining("an object");
        assertThatThrownBy(() -> BenchSpec.read(bench(dir, ", \"faults\": \"dead-battery\"", "")))
                .hasMessageContaining("\"faults\" must be an array");
        assertThatThrownBy(() -> BenchSpec.read(bench(dir, ", \"faults\": [7]", ""))).hasMessageContaining("\"faults[0]\"");
        Path f = dir.resolve("port.json");
        Files.writeString(f, "{\"phones\": [{\"port\": 11, \"model\": \"RM-914\"}]}");
        assertThatThrownBy(() -> BenchSpec.read(f)).hasMessageContaining("\"port\" must be a string, not 11");
        Files.writeString(f, "{\"phones\": [\"RM-914\"]}");
        assertThatThrownBy(() -> BenchSpec.read(f)).hasMessageContaining("phones[0]").hasMessageContaining("must be a JSON object");
        Files.writeString(f, "{\"phones\": {}}");
        assertThatThrownBy(() -> BenchSpec.read(f)).hasMessageContaining("\"phones\" must be a non-empty array, not an object");
    }

    @Test
    void numbersMustBeWithinSaneRanges(@TempDir Path dir) throws Exception {
        // 1e-9 used to be accepted: a bench whose clock never gets anywhere.
        assertThatThrownBy(() -> BenchSpec.read(bench(dir, "", "\"clockSpeed\": 1e-9, "))).hasMessageContaining("\"clockSpeed\"")
                .hasMessageContaining("0.1..100000").hasMessageContaining("1.0E-9");
        assertThatThrownBy(() -> BenchSpec.read(bench(dir, "", "\"clockSpeed\": 1e12, "))).isInstanceOf(BenchSpecException.class)
                .hasMessageContaining("0.1..100000");
        assertThatThrownBy(() -> BenchSpec.parse("{\"clockSpeed\": 0, \"phones\": [{\"port\": \"1-1\", \"model\": \"RM-914\"}]}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8))).isInstanceOf(BenchSpecException.class).hasMessageContaining("0.1..100000");
        assertThatThrownBy(() -> BenchSpec.parse("{\"phones\": [{\"port\": \"1-1\", \"model\": \"RM-0\"}]}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8))).isInstanceOf(BenchSpecException.class).hasMessageContaining("phones[0]");
        assertThatThrownBy(() -> BenchSpec.read(bench(dir, "", "\"clockSpeed\": 0, "))).hasMessageContaining("0.1..100000");
        assertThatThrownBy(() -> BenchSpec.read(bench(dir, "", "\"clockSpeed\": -60, "))).hasMessageContaining("0.1..100000");
        assertThat(BenchSpec.read(bench(dir, "", "\"clockSpeed\": 0.1, ")).clockSpeed()).isEqualTo(0.1);
        assertThat(BenchSpec.read(bench(dir, "", "\"clockSpeed\": 100000, ")).clockSpeed()).isEqualTo(100000.0);
        assertThatThrownBy(() -> BenchSpec.read(bench(dir, ", \"battery\": 101", ""))).hasMessageContaining("0..100").hasMessageContaining("101");
        assertThatThrownBy(() -> BenchSpec.read(bench(dir, ", \"battery\": -1", ""))).hasMessageContaining("0..100");
        assertThatThrownBy(() -> BenchSpec.read(bench(dir, ", \"battery\": 4294967376", ""))).hasMessageContaining("0..100");
        assertThat(BenchSpec.read(bench(dir, ", \"battery\": 0", "")).phones().get(0).battery()).isZero();
        assertThatThrownBy(() -> BenchSpec.read(bench(dir, ", \"writeRateKiBs\": 2000000", ""))).hasMessageContaining("at most 1048576");
        assertThatThrownBy(() -> new BenchSpec(1e-9, BenchSpec.mixed(1).phones())).hasMessageContaining("0.1..100000");
        assertThatThrownBy(() -> BenchSpec.checkClockSpeed(Double.NaN, "--sim-speed")).hasMessageContaining("--sim-speed must be 0.1..100000");
    }

    @Test
    void unknownFieldsAndDuplicatesAreNamed(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> BenchSpec.read(bench(dir, "", "\"clockspeed\": 60, "))).hasMessageContaining("unknown field \"clockspeed\"")
                .hasMessageContaining("known: clockSpeed, phones");
        assertThatThrownBy(() -> BenchSpec.read(bench(dir, ", \"batery\": 50", ""))).hasMessageContaining("phones[0]")
                .hasMessageContaining("unknown field \"batery\"").hasMessageContaining("battery");
        assertThatThrownBy(() -> BenchSpec.read(bench(dir, ", \"battery\": 50, \"battery\": 5", ""))).hasMessageContaining("battery")
                .hasMessageContaining("Duplicate field");
        Path trailing = dir.resolve("trailing.json");
        Files.writeString(trailing, "{\"phones\": [{\"port\": \"1-1\", \"model\": \"RM-914\"}]} {\"phones\": []}");
        assertThatThrownBy(() -> BenchSpec.read(trailing)).hasMessageContaining("not valid JSON");
    }

    @Test
    void theExampleBenchIsStillValid() {
        BenchSpec spec = BenchSpec.read(Path.of("docs/examples/bench-16.json"));
        assertThat(spec.phones()).hasSize(16);
        assertThat(spec.clockSpeed()).isEqualTo(60.0);
    }
}
