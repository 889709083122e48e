package dev.lumiaagent.protocol.ncsd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;

/** Id handling shared by requests and responses: JSON-RPC allows any scalar id (lumia-protocols.md §2.1). */
final class NcsdIds {
    private NcsdIds() {
    }

    /**
     * Integral ids become {@link LongNode} so that {@code 0} parsed as an int and {@code 0L} built by the
     * host compare equal; a missing id becomes JSON {@code null}.
     */
    static JsonNode normalize(JsonNode id) {
        if (id == null || id.isMissingNode()) {
            return NullNode.getInstance();
        }
        if (id.isIntegralNumber() && id.canConvertToLong()) {
            return LongNode.valueOf(id.longValue());
        }
        if (id.isContainerNode()) {
            throw new IllegalArgumentException("a JSON-RPC id is a scalar, not " + id.getNodeType());
        }
        return id;
    }
}
