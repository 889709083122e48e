package dev.lumiaagent.protocol.ncsd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Objects;

/**
 * A JSON-RPC {@code error} member: the phone's verdict on a request, a value and not an exception
 * (DESIGN §4 kind 3). The real phone's codes and messages are in no source (lumia-protocols.md §9);
 * a WPinternals comment mentions "Error: 150" for a label-mode {@code WriteNVData}.
 *
 * @param data the optional {@code data} member, JSON {@code null} when absent
 */
public record NcsdError(long code, String message, JsonNode data) {
    /** JSON-RPC 2.0 "Method not found". */
    public static final long METHOD_NOT_FOUND = -32601;
    /** JSON-RPC 2.0 "Invalid params". */
    public static final long INVALID_PARAMS = -32602;

    public NcsdError {
        Objects.requireNonNull(message, "message");
        data = data == null || data.isMissingNode() ? NullNode.getInstance() : data.deepCopy();
    }

    public NcsdError(long code, String message) {
        this(code, message, null);
    }

    @Override
    public JsonNode data() {
        return data.deepCopy();
    }

    @Override
    public String toString() {
        return "error " + code + (message.isEmpty() ? "" : " \"" + message + "\"") + (data.isNull() ? "" : " data " + data);
    }
}
