package dev.lumiaagent.flow.gate;

/**
 * How the owner's consent to erase the phone is given: {@code --yes}, a bench policy file, or an
 * interactive prompt. The prompt is an edge the agent does not own (a person at a terminal).
 */
public interface Consent {

    /** Asks (or looks up) consent for the warning text; false when refused or nobody can answer. */
    boolean confirm(String warning);

    /** Consent given in advance ({@code --yes}). */
    static Consent given(String how) {
        return new Consent() {
            @Override
            public boolean confirm(String warning) {
                return true;
            }

            @Override
            public String toString() {
                return how;
            }
        };
    }

    /** Nobody to ask (no terminal, no --yes): consent is not given. */
    static Consent none() {
        return new Consent() {
            @Override
            public boolean confirm(String warning) {
                return false;
            }

            @Override
            public String toString() {
                return "not given (no --yes and no terminal to ask)";
            }
        };
    }
}
