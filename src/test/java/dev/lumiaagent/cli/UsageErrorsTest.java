package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A mistyped command or option is named, with the one meant, and ends as a usage error. */
class UsageErrorsTest {
    @Test
    void aMissingRequiredOptionSaysErrorOnce() {
        CliRunner.Result r = CliRunner.run("reflash");

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).startsWith("error: Missing required option: '--ffu=FILE'").doesNotContain("Error:");
    }

    @Test
    void aMistypedCommandIsNamedWithTheNearestOne() {
        CliRunner.Result r = CliRunner.run("devics");

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).startsWith("error: Unknown command 'devics'. Did you mean 'devices'?\n")
                .contains("Try 'lumia-agent --help'.")
                .doesNotContain("Unmatched argument");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aMistypedCommandWithItsOptionsStillNamesTheCommand() {
        CliRunner.Result r = CliRunner.run("reflsh", "--ffu", "x.ffu");

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).startsWith("error: Unknown command 'reflsh'. Did you mean 'reflash'?");
    }

    @Test
    void aMistypedSubcommandOfAGroup() {
        CliRunner.Result r = CliRunner.run("ffu", "inspct", "x.ffu");

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).startsWith("error: Unknown command 'inspct'. Did you mean 'inspect'?")
                .contains("Try 'lumia-agent ffu --help'.");
    }

    @Test
    void aWordLikeNoCommandGetsNoGuess() {
        CliRunner.Result r = CliRunner.run("xyzzy");

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).startsWith("error: Unknown command 'xyzzy'.\n").doesNotContain("Did you mean");
    }

    @Test
    void aMistypedOptionIsNamedWithTheOneMeant() {
        CliRunner.Result r = CliRunner.run("report", "--formt", "json");

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).startsWith("error: Unknown option '--formt' for 'lumia-agent report'. Did you mean '--format'?")
                .contains("Try 'lumia-agent report --help'.");
    }

    @Test
    void anArgumentToACommandThatTakesNone() {
        CliRunner.Result r = CliRunner.run("devices", "extra");

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).startsWith("error: Unexpected argument 'extra' for 'lumia-agent devices'");
    }
}
