package dev.lumiaagent.sim;

import java.time.Instant;

/** One FFU payload message as a simulated flash app received it: when (bench clock) and how many bytes. */
public record SimPayloadArrival(Instant at, int bytes) {
}
