package dev.lumiaagent.certificate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/**
 * The signed document's form, for certificates and batch summaries alike:
 *
 * <pre>{"certificate": {BODY}, "signature": {"algorithm": "Ed25519", "keyId": HEX, "publicKey": BASE64, "value": BASE64}}</pre>
 *
 * <p><b>What is signed.</b> The Ed25519 signature ({@code value}, standard base64 of 64 bytes) is over the
 * <em>canonical bytes</em> of BODY: BODY serialised by Jackson with every object's properties sorted by name
 * ({@link String#compareTo}, so by UTF-16 code unit; every name we write is ASCII), arrays in their order, no
 * whitespace at all, strings escaped as Jackson does (only {@code "}, {@code \} and control characters), UTF-8, numbers
 * as integers (a certificate holds no fractions). The file itself is the same with indentation for people to read;
 * a verifier parses BODY and canonicalises it again, so whitespace and property order in the file do not matter, and
 * every value does. {@code publicKey} is the signing key's SubjectPublicKeyInfo DER in base64; {@code keyId} the
 * lowercase hex SHA-256 of those DER bytes. Duplicate property names are refused on reading (a second "imei" must not
 * hide behind the first).
 */
final class SignedJson {
    static final String BODY = "certificate";
    static final String SIGNATURE = "signature";

    /** Compact, for canonical bytes. */
    private static final ObjectMapper COMPACT = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper PRETTY = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private SignedJson() {
    }

    static ObjectNode object() {
        return COMPACT.createObjectNode();
    }

    static ArrayNode array() {
        return COMPACT.createArrayNode();
    }

    /** The canonical bytes of {@code body} (see the class comment): what is signed. */
    static byte[] canonical(JsonNode body) {
        try {
            return COMPACT.writeValueAsBytes(sorted(body));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The signed file: body and signature, indented, keys sorted, UTF-8, ending in a newline. */
    static byte[] sign(ObjectNode body, StationKey key) {
        ObjectNode signature = object();
        signature.put("algorithm", StationKey.ALGORITHM);
        signature.put("keyId", key.keyId());
        signature.put("publicKey", Base64.getEncoder().encodeToString(key.publicKey().getEncoded()));
        signature.put("value", Base64.getEncoder().encodeToString(key.sign(canonical(body))));
        ObjectNode root = object();
        root.set(BODY, body);
        root.set(SIGNATURE, signature);
        try {
            byte[] text = PRETTY.writeValueAsBytes(sorted(root));
            byte[] out = new byte[text.length + 1];
            System.arraycopy(text, 0, out, 0, text.length);
            out[text.length] = '\n';
            return out;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a signed file; {@link IOException} with Jackson's words when it is not JSON (or has a duplicate name). */
    static JsonNode parse(byte[] json) throws IOException {
        return COMPACT.readTree(json);
    }

    static String text(byte[] utf8) {
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static JsonNode sorted(JsonNode n) {
        if (n.isObject()) {
            List<String> names = new ArrayList<>();
            n.fieldNames().forEachRemaining(names::add);
            Collections.sort(names);
            ObjectNode o = COMPACT.createObjectNode();
            for (String name : names) {
                o.set(name, sorted(n.get(name)));
            }
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = COMPACT.createArrayNode();
            n.forEach(e -> a.add(sorted(e)));
            return a;
        }
        return n;
    }
}
