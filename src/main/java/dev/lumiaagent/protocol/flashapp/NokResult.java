package dev.lumiaagent.protocol.flashapp;

import java.util.Objects;
import java.util.Optional;

/**
 * What a phone answered to a command that can be refused: a value, a non-zero status (§3.5), or
 * {@code NOKU} (§3.1). Refusals are device verdicts the flow decides on (DESIGN §4), never exceptions
 * and never replaced by made-up data.
 */
public sealed interface NokResult<T> {

    /** The command, e.g. {@code NOKXFR CS} or {@code NOKXCBF}, for reports. */
    String command();

    default boolean isOk() {
        return this instanceof Ok;
    }

    /** The value when the phone answered one; empty for a refusal or NOKU. */
    default Optional<T> ok() {
        return this instanceof Ok ? Optional.of(((Ok<T>) this).value()) : Optional.empty();
    }

    /** The phone did it, or answered the value. */
    record Ok<T>(String command, T value) implements NokResult<T> {
        public Ok {
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return command + " → " + value;
        }
    }

    /** The phone answered a non-zero status. */
    record Refused<T>(String command, NokStatus status) implements NokResult<T> {
        public Refused {
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(status, "status");
            if (status.isOk()) {
                throw new IllegalArgumentException("status 0 is not a refusal");
            }
        }

        @Override
        public String toString() {
            return command + " refused: " + status + " — " + status.text() + ". " + status.nextStep();
        }
    }

    /** The running app answered {@code NOKU}: it does not know the command. */
    record Unsupported<T>(String command) implements NokResult<T> {
        public Unsupported {
            Objects.requireNonNull(command, "command");
        }

        @Override
        public String toString() {
            return command + " → NOKU (not supported by the running app)";
        }
    }
}
