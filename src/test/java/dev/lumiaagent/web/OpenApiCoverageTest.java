package dev.lumiaagent.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.testing.WebClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAPI document describes exactly the routes the running server registered, and the server serves it. */
@Timeout(60)
class OpenApiCoverageTest {
    @TempDir
    Path dir;

    @Test
    void everyRegisteredRouteIsDocumentedAndNothingElse() throws Exception {
        try (WebServer server = new WebServer(WebSettings.parse("127.0.0.1:0", null, "test"), null, null, new JobJournal(dir),
                Controls.NONE).start()) {
            List<String> registered = server.registeredRoutes();
            JsonNode doc = new ObjectMapper().readTree(WebServer.openApi());
            assertThat(doc.path("openapi").asText()).startsWith("3.");
            List<String> documented = new ArrayList<>();
            doc.path("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m ->
                    documented.add(m.toUpperCase(Locale.ROOT) + " " + ApiRoute.PREFIX + p.getKey())));
            assertThat(registered).containsExactlyInAnyOrderElementsOf(documented);
            assertThat(registered).hasSize(ApiRoute.values().length);
            WebClient web = new WebClient("http://127.0.0.1:" + server.port(), null);
            assertThat(WebClient.json(web.get("/api/v1/openapi.json")).path("paths").size()).isEqualTo(doc.path("paths").size());
        }
    }
}
