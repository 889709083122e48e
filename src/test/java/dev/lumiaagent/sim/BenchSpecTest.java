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
}
