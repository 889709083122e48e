package dev.lumiaagent.protocol.ncsd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * One NCSd JSON-RPC reply (lumia-protocols.md §2.2): the echoed id and either a {@code result} object
 * keyed by datum name or an {@link NcsdError}. Build with {@link #ofResult} or {@link #ofError}.
 */
public record NcsdResponse(JsonNode id, Optional<ObjectNode> result, Optional<NcsdError> error) {

    public NcsdResponse {
        id = NcsdIds.normalize(id);
        if (result.isPresent() == error.isPresent()) {
            throw new IllegalArgumentException("a response has exactly one of result and error");
        }
        result = result.map(ObjectNode::deepCopy);
    }

    public static NcsdResponse ofResult(JsonNode id, ObjectNode result) {
        return new NcsdResponse(id, Optional.of(result), Optional.empty());
    }

    public static NcsdResponse ofError(JsonNode id, NcsdError error) {
        return new NcsdResponse(id, Optional.empty(), Optional.of(error));
    }

    /** A copy of the result object, so the record stays immutable. */
    @Override
    public Optional<ObjectNode> result() {
        return result.map(ObjectNode::deepCopy);
    }

    public boolean isError() {
        return error.isPresent();
    }

    /** True when the id is the integer {@code expected}. */
    public boolean answers(long expected) {
        return id.isIntegralNumber() && id.longValue() == expected;
    }

    /** Reads like a trace line: {@code ← #0 {"ProductCode":"059Q9D7"}} or {@code ← #3 error -32601 "Method not found"}. */
    @Override
    public String toString() {
        return "← #" + id + " " + (result.isPresent() ? result.get().toString() : error.get().toString());
    }
}
