package dev.lumiaagent.protocol.ncsd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One NCSd JSON-RPC request (lumia-protocols.md §2.1).
 *
 * @param id the JSON-RPC id: an integer from the agent, any scalar from other hosts (JSON {@code null} when absent)
 * @param method the method name, e.g. {@code ReadProductCode}
 * @param params the caller's params in order, <em>without</em> {@code MessageVersion}
 * @param messageVersion the {@code MessageVersion} param; every known host sends 0
 */
public record NcsdRequest(JsonNode id, String method, ObjectNode params, OptionalInt messageVersion) {
    /** The {@code MessageVersion} every known host sends (§2.1). */
    public static final int MESSAGE_VERSION = 0;

    public NcsdRequest {
        id = NcsdIds.normalize(id);
        Objects.requireNonNull(method, "method");
        if (method.isEmpty()) {
            throw new IllegalArgumentException("a request needs a method name");
        }
        params = params == null ? JsonNodeFactory.instance.objectNode() : params.deepCopy();
        if (params.has("MessageVersion")) {
            throw new IllegalArgumentException("MessageVersion is a field of its own, not a caller param");
        }
        Objects.requireNonNull(messageVersion, "messageVersion");
    }

    /** A request as the agent sends it: integer id, {@code MessageVersion} 0. */
    public static NcsdRequest of(long id, String method, ObjectNode params) {
        return new NcsdRequest(LongNode.valueOf(id), method, params, OptionalInt.of(MESSAGE_VERSION));
    }

    /** A copy: the record stays immutable although Jackson nodes are not. */
    @Override
    public ObjectNode params() {
        return params.deepCopy();
    }

    /** Reads like a trace line: {@code → #2 SetDeviceMode {"DeviceMode":"Flash"}}. */
    @Override
    public String toString() {
        return "→ #" + id + " " + method + (params.isEmpty() ? "" : " " + params)
                + (messageVersion.isPresent() ? "" : " (no MessageVersion)");
    }
}
