package dev.lumiaagent.certificate;

/** The tool that erased and verified, named with its version on every certificate ({@code "lumia-agent"}, {@code "0.1.0"}). */
public record Tool(String name, String version) {
    public static final String LUMIA_AGENT = "lumia-agent";

    public static Tool lumiaAgent(String version) {
        return new Tool(LUMIA_AGENT, version);
    }
}
