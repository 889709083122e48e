package dev.lumiaagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumiaagent.flow.gate.Consent;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * How the owner's consent to erase is given: {@code --yes}; a bench policy file (for stations where
 * the owners agreed in advance, e.g. refurbishment); or, on a terminal, a typed "erase".
 *
 * <pre>{"consentToErase": true, "by": "Bench 3 refurbishment policy, signed 2026-11-01"}</pre>
 */
final class ConsentOptions {
    @Option(names = "--yes", description = "The owner agrees that everything on the phone is erased (no prompt).")
    boolean yes;

    @Option(names = "--consent-policy", paramLabel = "FILE",
            description = "A bench policy file giving consent in advance: {\"consentToErase\": true, \"by\": \"…\"}.")
    Path policy;

    /** @param action what typing "erase" agrees to, e.g. "factory-reset this phone" */
    Consent consent(PrintWriter out, String action) {
        if (policy != null) {
            return Consent.given("policy " + policy.getFileName() + ": " + readPolicy());
        }
        return ConsentPrompt.of(yes, out, action);
    }

    /** How consent is given, for the job record. */
    String describe() {
        return policy != null ? "policy " + policy.toAbsolutePath() : yes ? "--yes" : "prompt";
    }

    private String readPolicy() {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(policy));
        } catch (IOException e) {
            throw new IllegalArgumentException("consent policy " + policy + " cannot be read as JSON: " + e.getMessage());
        }
        if (root == null || !root.path("consentToErase").isBoolean() || !root.path("by").isTextual() || root.path("by").asText().isBlank()) {
            throw new IllegalArgumentException("consent policy " + policy
                    + " must be {\"consentToErase\": true|false, \"by\": \"who agreed, and where it is written down\"}");
        }
        if (!root.path("consentToErase").asBoolean()) {
            throw new IllegalArgumentException("consent policy " + policy + " says consentToErase: false; nothing will be erased");
        }
        return root.path("by").asText();
    }
}
