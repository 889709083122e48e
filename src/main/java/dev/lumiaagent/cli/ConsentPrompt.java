package dev.lumiaagent.cli;

import dev.lumiaagent.flow.gate.Consent;
import java.io.Console;
import java.io.PrintWriter;

/** The owner's consent for a destructive command: {@code --yes}, a typed "erase" on a terminal, or none. */
final class ConsentPrompt {
    private ConsentPrompt() {
    }

    /** @param action what typing "erase" agrees to, e.g. "factory-reset this phone" */
    static Consent of(boolean yes, PrintWriter out, String action) {
        if (yes) {
            return Consent.given("--yes");
        }
        Console console = System.console();
        if (console == null) {
            return Consent.none();
        }
        return new Consent() {
            @Override
            public boolean confirm(String warning) {
                out.println();
                out.println(warning);
                out.flush();
                String answer = console.readLine("Type 'erase' to " + action + ": ");
                return answer != null && answer.trim().equalsIgnoreCase("erase");
            }

            @Override
            public String toString() {
                return "typed at the prompt";
            }
        };
    }
}
