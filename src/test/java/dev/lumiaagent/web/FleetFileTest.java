package dev.lumiaagent.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fleet file read strictly: each mistake a one-line message naming the station and what to write. */
class FleetFileTest {
    @TempDir
    Path dir;

    private static List<FleetFile.Station> parse(String text) {
        return FleetFile.parse("fleet.json", text, Map.of("BENCH3_TOKEN", "from-env")::get);
    }

    private static String error(String text) {
        try {
            parse(text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).doesNotContain("\n").startsWith("--fleet fleet.json: ");
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + text);
    }

    @Test
    void readsNamesUrlsAndTokens() {
        List<FleetFile.Station> s = parse("{\"stations\": [{\"name\": \"bench-2\", \"url\": \"http://10.0.0.12:8765\"},"
                + "{\"name\": \"bench-3\", \"url\": \"https://bench3.shop:9000/lumia/\", \"tokenEnv\": \"BENCH3_TOKEN\"},"
                + "{\"name\": \" bench-4 \", \"url\": \"http://10.0.0.14:8765/\", \"token\": \"secret\"}]}");
        assertThat(s).extracting(FleetFile.Station::name).containsExactly("bench-2", "bench-3", "bench-4");
        assertThat(s.get(0).url()).hasToString("http://10.0.0.12:8765/");
        assertThat(s.get(0).token()).isNull();
        assertThat(s.get(0).hostPort()).isEqualTo("10.0.0.12:8765");
        assertThat(FleetPoller.benchUri(s.get(1))).hasToString("https://bench3.shop:9000/lumia/api/v1/bench");
        assertThat(s.get(1).token()).isEqualTo("from-env");
        assertThat(s.get(2).token()).isEqualTo("secret");
        assertThat(s.get(2).toString()).doesNotContain("secret");
    }

    @Test
    void badUrlsAreNamed() {
        assertThat(error("{\"stations\": [{\"name\": \"bench-2\", \"url\": \"10.0.0.12:8765\"}]}"))
                .contains("stations[0] ('bench-2')", "'10.0.0.12:8765'", "http://", "e.g. \"http://10.0.0.12:8765/\"");
        assertThat(error("{\"stations\": [{\"name\": \"bench-2\", \"url\": \"ftp://10.0.0.12/\"}]}")).contains("not an http:// or https:// URL");
        assertThat(error("{\"stations\": [{\"name\": \"bench-2\", \"url\": \"http:// bad host/\"}]}")).contains("is not a URL");
        assertThat(error("{\"stations\": [{\"name\": \"bench-2\", \"url\": \"http:///x\"}]}")).contains("names no host");
        assertThat(error("{\"stations\": [{\"name\": \"bench-2\", \"url\": \"http://h:1/#token=x\"}]}")).contains("query or #fragment");
        assertThat(error("{\"stations\": [{\"name\": \"bench-2\"}]}")).contains("has no \"url\"");
    }

    @Test
    void duplicateNamesAreRefused() {
        assertThat(error("{\"stations\": [{\"name\": \"bench-2\", \"url\": \"http://a:1/\"}, {\"name\": \"Bench-2\", \"url\": \"http://b:1/\"}]}"))
                .contains("stations[1] ('Bench-2')", "also stations[0]'s", "its own name");
    }

    @Test
    void unknownFieldsAreRefused() {
        assertThat(error("{\"stations\": [{\"name\": \"bench-2\", \"url\": \"http://a:1/\", \"tokn\": \"x\"}]}"))
                .contains("stations[0] ('bench-2')", "unknown field \"tokn\"", "known: name, url, token, tokenEnv");
        assertThat(error("{\"stations\": [], \"poll\": 5}")).contains("unknown field \"poll\"");
    }

    @Test
    void otherMistakesAreSaidInALine() {
        assertThat(error("{\"stations\": [")).contains("not JSON at line 1");
        assertThat(error("[]")).contains("not a JSON object");
        assertThat(error("{}")).contains("no \"stations\" list");
        assertThat(error("{\"stations\": []}")).contains("\"stations\" is empty");
        assertThat(error("{\"stations\": [\"bench-2\"]}")).contains("stations[0] is not an object");
        assertThat(error("{\"stations\": [{\"url\": \"http://a:1/\"}]}")).contains("has no \"name\"");
        assertThat(error("{\"stations\": [{\"name\": 2, \"url\": \"http://a:1/\"}]}")).contains("\"name\" is not a string");
        assertThat(error("{\"stations\": [{\"name\": \"b\", \"url\": \"http://a:1/\", \"token\": \"x\", \"tokenEnv\": \"BENCH3_TOKEN\"}]}"))
                .contains("both \"token\" and \"tokenEnv\"");
        assertThat(error("{\"stations\": [{\"name\": \"b\", \"url\": \"http://a:1/\", \"token\": \" \"}]}")).contains("\"token\" is empty");
        assertThat(error("{\"stations\": [{\"name\": \"b\", \"url\": \"http://a:1/\", \"tokenEnv\": \"NOT_SET_HERE\"}]}"))
                .contains("environment variable NOT_SET_HERE", "is not set");
    }

    @Test
    void aMissingFileIsNamed() throws Exception {
        assertThatThrownBy(() -> FleetFile.read(dir.resolve("nope.json"))).hasMessage("--fleet " + dir.resolve("nope.json") + ": no such file");
        Path f = Files.writeString(dir.resolve("fleet.json"), "{\"stations\": [{\"name\": \"bench-2\", \"url\": \"http://10.0.0.12:8765/\"}]}");
        assertThat(FleetFile.read(f)).hasSize(1);
    }
}
