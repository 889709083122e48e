package dev.lumiaagent.protocol.firehose;

import java.util.Objects;
import java.util.Optional;

/**
 * What a command came to: the device's ACK with the value read from it, or its NAK — a value, with
 * the device's logs and a named reason (DESIGN §4: device verdicts are values; the flow decides).
 */
public sealed interface FirehoseResult<T> permits FirehoseResult.Ok, FirehoseResult.Nak {

    /** The command as a trace, e.g. {@code program 2048×512 B at sector 0 of LUN 0}. */
    String command();

    /** The final response (for a NAK, the refusing one). */
    FirehoseResponse response();

    default boolean isOk() {
        return this instanceof Ok;
    }

    default Optional<T> ok() {
        return isOk() ? Optional.of(((Ok<T>) this).value()) : Optional.empty();
    }

    /** The value, or a {@link FirehoseRefused} carrying the NAK, for callers that want an exception. */
    default T orElseThrow() {
        if (this instanceof Ok) {
            return ((Ok<T>) this).value();
        }
        throw new FirehoseRefused(command(), response());
    }

    record Ok<T>(String command, T value, FirehoseResponse response) implements FirehoseResult<T> {
        public Ok {
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(response, "response");
        }

        @Override
        public String toString() {
            return command + " → " + value;
        }
    }

    record Nak<T>(String command, FirehoseResponse response) implements FirehoseResult<T> {
        public Nak {
            Objects.requireNonNull(command, "command");
            if (Objects.requireNonNull(response, "response").ack()) {
                throw new IllegalArgumentException("a NAK result needs a NAK response: " + response);
            }
        }

        public FirehoseNakReason reason() {
            return response.nakReason().orElseThrow();
        }

        @Override
        public String toString() {
            return command + " refused: " + response;
        }
    }
}
