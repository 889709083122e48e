package dev.lumiaagent.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.transport.discovery.PersonalityTable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The docs people read stay true to the data the code uses. */
class DocsTruthTest {

    @Test
    void everyPersonalityOfTheTableIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("docs/personalities.md"));
        for (PersonalityTable.Rule r : PersonalityTable.standard().rules()) {
            String vid = String.format("%04X", r.vid());
            String id = r.pid() == -1 ? vid + ":*" : String.format("%s:%04X", vid, r.pid());
            assertThat(doc).as("docs/personalities.md names %s", id).contains(id);
        }
    }

    @Test
    void theReadmeShowsExactlyTheTestCommandThatCiRuns() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String ci = Files.readString(Path.of(".ci/run"));
        assertThat(readme).contains("mvn -B verify");
        assertThat(ci).containsPattern("(?m)^mvn -B verify$");
    }
}
