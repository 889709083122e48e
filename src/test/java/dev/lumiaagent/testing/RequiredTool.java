package dev.lumiaagent.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * A test that needs a program from outside the JVM (socat, umockdev, tshark, Chromium, poppler, …).
 * On a developer's machine a missing tool skips the test with the reason and the command that
 * installs it; under {@code CI=true} it fails, naming the tool, so CI never passes by skipping
 * (`.ci/run` installs every such tool).
 */
public final class RequiredTool {
    private RequiredTool() {
    }

    /** True when this run is CI's: {@code CI=true} in the environment. */
    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Continues when {@code available}; else skips the test (developer machine) or fails it (CI)
     * with {@code tool} and {@code why} (which should say how to install it).
     */
    public static void require(String tool, boolean available, String why) {
        require(tool, available, why, inCi());
    }

    static void require(String tool, boolean available, String why, boolean ci) {
        if (available) {
            return;
        }
        String message = tool + " is missing: " + why;
        if (ci) {
            throw new AssertionError("CI=true and a required tool is missing, so this test fails instead of skipping: "
                    + message + " (.ci/run installs it)");
        }
        Assumptions.abort(message);
    }
}
