package dev.lumiaagent.protocol.ncsd;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.protocol.wire.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Pure bytes ↔ records for the normal-mode JSON-RPC channel (lumia-protocols.md §2).
 *
 * <p>Requests are written exactly as WPinternals writes them: compact, members in the order
 * {@code jsonrpc, id, method, params}, the caller's params first and {@code "MessageVersion":0} last,
 * no terminator; {@link Framing#WDRT_NUL} adds the trailing NUL byte WDRT sends. Everything read is
 * parsed tolerantly: whitespace, trailing NULs, any member order, any scalar id (the LSU spaced form).
 * Bytes that are not a JSON-RPC object throw {@link ProtocolException}; a JSON-RPC {@code error} is a value.
 */
public final class NcsdCodec {
    /** Largest message accepted; Nokia.Lucid keeps a standing 1 MiB read (lumia-protocols.md §1.2). */
    public static final int MAX_MESSAGE_BYTES = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String PHONE_INDENT = "   ";

    /** How a request ends on the wire (§2.1). */
    public enum Framing {
        /** WPinternals: the JSON text and nothing else. */
        WPINTERNALS,
        /** WDRT: the same text plus one NUL byte. */
        WDRT_NUL
    }

    /** How a response is laid out. */
    public enum ResponseStyle {
        /**
         * The phone's form as LSU shows it (§2.2, derived): members sorted by name, 3-space indent,
         * {@code " : "} between name and value, arrays of scalars on one line as {@code [ 1, 2 ]}.
         */
        PHONE,
        /** One line, members in the order {@code jsonrpc, id, result|error}. */
        COMPACT
    }

    private NcsdCodec() {
    }

    public static byte[] encodeRequest(NcsdRequest request) {
        return encodeRequest(request, Framing.WPINTERNALS);
    }

    public static byte[] encodeRequest(NcsdRequest request, Framing framing) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("jsonrpc", "2.0");
            g.writeFieldName("id");
            g.writeTree(request.id());
            g.writeStringField("method", request.method());
            g.writeObjectFieldStart("params");
            Iterator<Map.Entry<String, JsonNode>> fields = request.params().fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                g.writeFieldName(f.getKey());
                g.writeTree(f.getValue());
            }
            if (request.messageVersion().isPresent()) {
                g.writeNumberField("MessageVersion", request.messageVersion().getAsInt());
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory failed", e);
        }
        if (framing == Framing.WDRT_NUL) {
            out.write(0);
        }
        return out.toByteArray();
    }

    /** Parses a request as a phone would: tolerant of layout, strict about what a request is. */
    public static NcsdRequest decodeRequest(byte[] message) {
        ObjectNode root = parseObject(message, "request");
        checkJsonRpcVersion(root, "request");
        JsonNode method = root.get("method");
        if (method == null || !method.isTextual() || method.asText().isEmpty()) {
            throw new ProtocolException("request has no method name (method is "
                    + (method == null ? "missing" : method.getNodeType().toString()) + ")");
        }
        JsonNode id = scalarId(root, "request");
        JsonNode params = root.get("params");
        ObjectNode callerParams = JsonNodeFactory.instance.objectNode();
        OptionalInt messageVersion = OptionalInt.empty();
        if (params != null && !params.isNull()) {
            if (!params.isObject()) {
                throw new ProtocolException("request " + method.asText() + ": params is " + params.getNodeType()
                        + ", expected an object");
            }
            Iterator<Map.Entry<String, JsonNode>> fields = params.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                // LSU's EFS/NV helpers spell it in lower case (§2.3).
                if (f.getKey().equalsIgnoreCase("MessageVersion")) {
                    if (!f.getValue().isIntegralNumber() || !f.getValue().canConvertToInt()) {
                        throw new ProtocolException("request " + method.asText() + ": MessageVersion is "
                                + f.getValue() + ", expected an integer");
                    }
                    messageVersion = OptionalInt.of(f.getValue().intValue());
                } else {
                    callerParams.set(f.getKey(), f.getValue());
                }
            }
        }
        return new NcsdRequest(id, method.asText(), callerParams, messageVersion);
    }

    /** Parses a reply; a JSON-RPC {@code error} comes back as a value. */
    public static NcsdResponse decodeResponse(byte[] message) {
        ObjectNode root = parseObject(message, "response");
        checkJsonRpcVersion(root, "response");
        JsonNode id = scalarId(root, "response");
        JsonNode error = root.get("error");
        JsonNode result = root.get("result");
        boolean hasError = error != null && !error.isNull();
        boolean hasResult = result != null && !result.isNull();
        if (hasError && hasResult) {
            throw new ProtocolException("response #" + id + " has both result and error");
        }
        if (hasError) {
            return NcsdResponse.ofError(id, decodeError(error, id));
        }
        if (result == null) {
            throw new ProtocolException("response #" + id + " has neither result nor error");
        }
        if (result.isNull()) {
            // JSON-RPC 1.0 style "result": null — nothing to report, but not a desync.
            return NcsdResponse.ofResult(id, JsonNodeFactory.instance.objectNode());
        }
        if (!result.isObject()) {
            throw new ProtocolException("response #" + id + ": result is " + result.getNodeType()
                    + ", expected an object keyed by datum name (§2.2)");
        }
        return NcsdResponse.ofResult(id, (ObjectNode) result);
    }

    public static byte[] encodeResponse(NcsdResponse response, ResponseStyle style) {
        if (style == ResponseStyle.COMPACT) {
            ObjectNode root = JsonNodeFactory.instance.objectNode();
            root.put("jsonrpc", "2.0");
            root.set("id", response.id());
            if (response.result().isPresent()) {
                root.set("result", response.result().get());
            } else {
                root.set("error", errorNode(response.error().orElseThrow()));
            }
            return root.toString().getBytes(StandardCharsets.UTF_8);
        }
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.set("id", response.id());
        root.put("jsonrpc", "2.0");
        if (response.result().isPresent()) {
            root.set("result", response.result().get());
        } else {
            root.set("error", errorNode(response.error().orElseThrow()));
        }
        StringBuilder text = new StringBuilder(256);
        writePhone(root, "", text);
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A byte array as JSON-RPC carries it: an array of unsigned ints (WPinternals, §2.1). */
    public static ArrayNode byteArray(byte[] bytes) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode(bytes.length);
        for (byte b : bytes) {
            array.add(b & 0xFF);
        }
        return array;
    }

    /** The bytes of a JSON int array whose elements are all 0..255; empty for anything else. */
    public static Optional<byte[]> bytesOf(JsonNode node) {
        if (node == null || !node.isArray()) {
            return Optional.empty();
        }
        byte[] out = new byte[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode e = node.get(i);
            if (!e.isIntegralNumber() || !e.canConvertToInt() || e.intValue() < 0 || e.intValue() > 255) {
                return Optional.empty();
            }
            out[i] = (byte) e.intValue();
        }
        return Optional.of(out);
    }

    private static NcsdError decodeError(JsonNode error, JsonNode id) {
        if (error.isIntegralNumber() && error.canConvertToLong()) {
            // A bare number: the shape of the real error object is unknown (§9); WPinternals logs "Error: 150".
            return new NcsdError(error.longValue(), "");
        }
        if (!error.isObject()) {
            throw new ProtocolException("response #" + id + ": error is " + error.getNodeType()
                    + ", expected an object with a code");
        }
        JsonNode code = error.get("code");
        if (code == null || !code.isIntegralNumber() || !code.canConvertToLong()) {
            throw new ProtocolException("response #" + id + ": error has no integer code (" + error + ")");
        }
        JsonNode message = error.get("message");
        String text = message == null || message.isNull() ? "" : message.isTextual() ? message.asText() : message.toString();
        return new NcsdError(code.longValue(), text, error.get("data"));
    }

    private static ObjectNode errorNode(NcsdError error) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("code", error.code());
        node.put("message", error.message());
        if (!error.data().isNull()) {
            node.set("data", error.data());
        }
        return node;
    }

    private static void checkJsonRpcVersion(ObjectNode root, String what) {
        JsonNode version = root.get("jsonrpc");
        if (version != null && !(version.isTextual() && version.asText().equals("2.0"))) {
            throw new ProtocolException(what + " says jsonrpc " + version + ", expected \"2.0\"");
        }
    }

    private static JsonNode scalarId(ObjectNode root, String what) {
        JsonNode id = root.get("id");
        if (id != null && id.isContainerNode()) {
            throw new ProtocolException(what + " id is " + id.getNodeType() + ", expected a number or string");
        }
        return id;
    }

    private static ObjectNode parseObject(byte[] message, String what) {
        if (message.length > MAX_MESSAGE_BYTES) {
            throw new ProtocolException(what + " of " + message.length + " bytes exceeds the " + MAX_MESSAGE_BYTES
                    + "-byte limit");
        }
        int end = message.length;
        while (end > 0 && message[end - 1] == 0) {
            end--; // WDRT's trailing NUL (§2.1); tolerated on replies as well.
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(message, 0, end)).toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException(what + " is not UTF-8 text: " + preview(message), e);
        }
        if (text.isBlank()) {
            throw new ProtocolException(what + " is empty (" + message.length + " bytes)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ProtocolException(what + " is not JSON: " + e.getOriginalMessage() + " in " + preview(message), e);
        }
        if (root == null || !root.isObject()) {
            throw new ProtocolException(what + " is a JSON " + (root == null ? "nothing" : root.getNodeType())
                    + ", expected an object: " + preview(message));
        }
        return (ObjectNode) root;
    }

    private static String preview(byte[] message) {
        int shown = Math.min(message.length, 32);
        return shown + " of " + message.length + " bytes " + Bytes.hex(message, 0, shown) + (shown < message.length ? "…" : "");
    }

    private static void writePhone(JsonNode node, String indent, StringBuilder out) {
        if (node.isObject()) {
            if (node.isEmpty()) {
                out.append("{}");
                return;
            }
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            String inner = indent + PHONE_INDENT;
            out.append("{\n");
            for (int i = 0; i < names.size(); i++) {
                out.append(inner).append(TextNode.valueOf(names.get(i))).append(" : ");
                writePhone(node.get(names.get(i)), inner, out);
                out.append(i + 1 < names.size() ? ",\n" : "\n");
            }
            out.append(indent).append('}');
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                out.append("[]");
                return;
            }
            boolean scalars = true;
            for (JsonNode e : node) {
                scalars &= e.isValueNode();
            }
            if (scalars) {
                out.append("[ ");
                for (int i = 0; i < node.size(); i++) {
                    out.append(i == 0 ? "" : ", ").append(node.get(i));
                }
                out.append(" ]");
                return;
            }
            String inner = indent + PHONE_INDENT;
            out.append("[\n");
            for (int i = 0; i < node.size(); i++) {
                out.append(inner);
                writePhone(node.get(i), inner, out);
                out.append(i + 1 < node.size() ? ",\n" : "\n");
            }
            out.append(indent).append(']');
        } else {
            out.append(node);
        }
    }
}
