package dev.lumiaagent.certificate;

/**
 * Who certifies an erasure and where: a person and a place named on purpose (with {@code --operator} and {@code --site},
 * or {@code $LUMIA_AGENT_OPERATOR} and {@code $LUMIA_AGENT_SITE}), never a default. NIST SP 800-88 Rev. 1 §4.8 asks a
 * certificate to name who sanitized and verified the media, and where.
 */
public record Certifier(String operator, String site) {
}
