package dev.lumiaagent.protocol.ncsd;

import dev.lumiaagent.protocol.wire.Bytes;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a phone said to one info method: a {@link Value}, a {@link Rejected} JSON-RPC error, or a
 * reply that did not carry the datum ({@link Missing}). Only a {@code Value} is a fact about the
 * phone; the other two mean "unknown", never a default (DESIGN §4 kind 3).
 */
public sealed interface NcsdAnswer<T> permits NcsdAnswer.Value, NcsdAnswer.Rejected, NcsdAnswer.Missing {

    /** The JSON-RPC method asked. */
    String method();

    /** The datum, or empty when the phone rejected the method or did not return the datum. */
    Optional<T> value();

    default boolean isPresent() {
        return value().isPresent();
    }

    default T orElseThrow() {
        return value().orElseThrow(() -> new NoSuchElementException(toString()));
    }

    /** The same answer with the datum transformed; rejections and misses pass through. */
    <U> NcsdAnswer<U> map(Function<T, NcsdAnswer<U>> next);

    record Value<T>(String method, T datum) implements NcsdAnswer<T> {
        public Value {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(datum, "datum");
        }

        @Override
        public Optional<T> value() {
            return Optional.of(datum);
        }

        @Override
        public <U> NcsdAnswer<U> map(Function<T, NcsdAnswer<U>> next) {
            return next.apply(datum);
        }

        @Override
        public String toString() {
            String shown = datum instanceof byte[] ? Bytes.hex((byte[]) datum)
                    : datum instanceof String ? "\"" + datum + "\"" : String.valueOf(datum);
            return method + " → " + shown;
        }
    }

    /** The phone answered with a JSON-RPC error. */
    record Rejected<T>(String method, NcsdError error) implements NcsdAnswer<T> {
        public Rejected {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(error, "error");
        }

        @Override
        public Optional<T> value() {
            return Optional.empty();
        }

        @Override
        public <U> NcsdAnswer<U> map(Function<T, NcsdAnswer<U>> next) {
            return new Rejected<>(method, error);
        }

        @Override
        public String toString() {
            return method + " → rejected: " + error;
        }
    }

    /** The phone answered, but the result lacked the datum or held it in a shape we do not read. */
    record Missing<T>(String method, String reason) implements NcsdAnswer<T> {
        public Missing {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Optional<T> value() {
            return Optional.empty();
        }

        @Override
        public <U> NcsdAnswer<U> map(Function<T, NcsdAnswer<U>> next) {
            return new Missing<>(method, reason);
        }

        @Override
        public String toString() {
            return method + " → absent: " + reason;
        }
    }
}
