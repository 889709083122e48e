package dev.lumiaagent.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.protocol.wire.ProtocolException;
import net.jqwik.api.Example;

/** The fuzz properties' check itself: it lets typed errors through and catches the rest, and over-allocation. */
class FuzzCheckTest {
    private static final Fuzz.Input IN = new Fuzz.Input("test", new byte[100]);
    static volatile byte[] sink;

    @Example
    void aTypedErrorWithAMessagePasses() {
        Fuzz.onlyTypedErrors(IN, b -> {
            throw new ProtocolException("bad packet");
        }, ProtocolException.class);
    }

    @Example
    void anyOtherThrowableFailsNamingTheInput() {
        assertThatThrownBy(() -> Fuzz.onlyTypedErrors(IN, b -> {
            throw new ArrayIndexOutOfBoundsException(7);
        }, ProtocolException.class)).isInstanceOf(AssertionError.class).hasMessageContaining("untyped").hasMessageContaining("test (100 bytes)");
        assertThatThrownBy(() -> Fuzz.onlyTypedErrors(IN, b -> {
            throw new ProtocolException(" ");
        }, ProtocolException.class)).isInstanceOf(AssertionError.class).hasMessageContaining("without a message");
    }

    @Example
    void allocatingFarMoreThanTheInputFails() {
        long bound = Fuzz.allocationBound(IN.bytes().length);
        Fuzz.onlyTypedErrors(IN, b -> sink = new byte[1 << 20]);
        dev.lumiaagent.testing.RequiredTool.require("per-thread allocation counters (com.sun.management.ThreadMXBean)",
                Fuzz.allocated() >= 0, "run the tests on HotSpot (OpenJDK)");
        assertThatThrownBy(() -> Fuzz.onlyTypedErrors(IN, b -> sink = new byte[(int) bound + (1 << 20)]))
                .isInstanceOf(AssertionError.class).hasMessageContaining("allocated");
        assertThat(sink).isNotNull();
    }
}
