package dev.lumiaagent.protocol.firehose;

import dev.lumiaagent.protocol.wire.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Firehose documents ↔ records, pure (edl-protocol.md §3.1). Host commands are one
 * {@code <?xml version="1.0" ?><data><cmd … /></data>} each; device documents carry {@code <log>} and
 * {@code <response>} elements, with or without an XML declaration, several to a transfer at times.
 * Every malformed input ends in a {@link ProtocolException}; see {@link FirehoseXml} for the subset
 * of XML accepted and why it is parsed by hand.
 */
public final class FirehoseCodec {
    /** The declaration qdl and edl put before every host document. */
    public static final String HOST_DECLARATION = "<?xml version=\"1.0\" ?>";
    /** The declaration qdl's simulator (and real programmers) put before device documents. */
    public static final String DEVICE_DECLARATION = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>";
    /**
     * The largest document accepted. Programmers announce MaxXMLSizeInBytes 4096 (§3.3, §6); log
     * documents are not bound by it, so the reader allows sixteen times that before calling it desync.
     */
    public static final int MAX_DOCUMENT = 64 * 1024;
    private static final byte[] END = "</data>".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] XML_START = "<?xml".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA_START = "<data".getBytes(StandardCharsets.US_ASCII);

    private FirehoseCodec() {
    }

    /** One host document for {@code command}. */
    public static byte[] encode(FirehoseCommand command) {
        StringBuilder b = new StringBuilder(160).append(HOST_DECLARATION).append("<data>");
        FirehoseXml.appendElement(b, command.element(), command.attributes());
        return b.append("</data>").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One device document holding {@code message} (what the simulated programmer sends). */
    public static byte[] encodeDevice(FirehoseDeviceMessage message) {
        StringBuilder b = new StringBuilder(160).append(DEVICE_DECLARATION).append("\n<data>\n");
        Map<String, String> a = new LinkedHashMap<>();
        if (message instanceof FirehoseLog) {
            a.put("value", ((FirehoseLog) message).text());
            FirehoseXml.appendElement(b, "log", a);
        } else {
            FirehoseResponse r = (FirehoseResponse) message;
            a.put("value", r.ack() ? "ACK" : "NAK");
            a.putAll(r.attributes());
            FirehoseXml.appendElement(b, "response", a);
        }
        return b.append("</data>").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The host command in one whole document. */
    public static FirehoseCommand decodeCommand(byte[] document) {
        return decodeCommand(document, 0, document.length);
    }

    public static FirehoseCommand decodeCommand(byte[] b, int off, int len) {
        if (len > MAX_DOCUMENT) {
            throw new ProtocolException("host document of " + len + " bytes exceeds " + MAX_DOCUMENT);
        }
        FirehoseXml.Document doc = FirehoseXml.parse(b, off, len, "host document");
        requireData(doc);
        if (doc.children().size() != 1) {
            throw new ProtocolException("a host document carries one command, this one " + doc.children().size());
        }
        FirehoseXml.Element e = doc.children().get(0);
        FirehoseAttributes a = new FirehoseAttributes(e.name(), e.attributes());
        try {
            switch (e.name()) {
                case "configure":
                    return FirehoseConfigure.from(a);
                case "program":
                    return FirehoseProgram.from(a);
                case "read":
                    return FirehoseRead.from(a);
                case "erase":
                    return FirehoseErase.from(a);
                case "patch":
                    return FirehosePatch.from(a);
                case "getstorageinfo":
                    return FirehoseGetStorageInfo.from(a);
                case "getsha256digest":
                    return FirehoseGetSha256Digest.from(a);
                case "nop":
                    return new FirehoseNop();
                case "power":
                    return FirehosePower.from(a);
                default:
                    return new FirehoseOtherCommand(e.name(), e.attributes());
            }
        } catch (IllegalArgumentException ex) {
            throw new ProtocolException("<" + e.name() + ">: " + ex.getMessage());
        }
    }

    /** Every device message in {@code bytes}, which must hold whole documents only. */
    public static List<FirehoseDeviceMessage> decodeDevice(byte[] bytes) {
        List<FirehoseDeviceMessage> out = new ArrayList<>();
        int p = 0;
        while (true) {
            p = skipWhitespace(bytes, p, bytes.length);
            if (p == bytes.length) {
                return out;
            }
            int end = documentEnd(bytes, p, bytes.length - p);
            if (end < 0) {
                throw new ProtocolException("incomplete device document at offset " + p + " of " + bytes.length);
            }
            out.addAll(decodeDeviceDocument(bytes, p, end - p));
            p = end;
        }
    }

    /** The messages of one whole device document. */
    public static List<FirehoseDeviceMessage> decodeDeviceDocument(byte[] b, int off, int len) {
        if (len > MAX_DOCUMENT) {
            throw new ProtocolException("device document of " + len + " bytes exceeds " + MAX_DOCUMENT);
        }
        FirehoseXml.Document doc = FirehoseXml.parse(b, off, len, "device document");
        requireData(doc);
        if (doc.children().isEmpty()) {
            throw new ProtocolException("device document without a log or response");
        }
        List<FirehoseDeviceMessage> out = new ArrayList<>(doc.children().size());
        for (FirehoseXml.Element e : doc.children()) {
            String value = FirehoseXml.attribute(e.attributes(), "value");
            if (value == null) {
                throw new ProtocolException("<" + e.name() + "> without a value attribute");
            }
            if (e.name().equals("log")) {
                out.add(new FirehoseLog(value));
            } else if (e.name().equals("response")) {
                Map<String, String> rest = new LinkedHashMap<>(e.attributes());
                rest.remove("value");
                String v = value.strip();
                // edl's getstatus also takes "true" as success (§3.1).
                boolean ack = v.equalsIgnoreCase("ACK") || v.equalsIgnoreCase("true");
                if (!ack && !v.equalsIgnoreCase("NAK") && !v.equalsIgnoreCase("false")) {
                    throw new ProtocolException("response value '" + value + "' is neither ACK nor NAK");
                }
                out.add(new FirehoseResponse(ack, rest, List.of(), List.of()));
            } else {
                throw new ProtocolException("unexpected device element <" + e.name() + ">");
            }
        }
        return out;
    }

    /**
     * Where the document starting at {@code off} (after optional whitespace) ends: the index just
     * past its {@code </data>}, or -1 when more bytes are needed (stream links split documents, §1.6).
     *
     * @throws ProtocolException when the bytes cannot be the start of a document, or no end comes
     *     within {@link #MAX_DOCUMENT} bytes
     */
    public static int documentEnd(byte[] b, int off, int len) {
        int limit = off + len;
        int start = skipWhitespace(b, off, limit);
        if (start == limit) {
            return -1;
        }
        if (!startsLike(b, start, limit, XML_START) && !startsLike(b, start, limit, DATA_START)) {
            throw new ProtocolException("expected a Firehose document (<?xml or <data) at offset " + start + ", found 0x"
                    + String.format("%02X", b[start] & 0xFF));
        }
        int searchEnd = Math.min(limit, start + MAX_DOCUMENT);
        for (int i = start; i + END.length <= searchEnd; i++) {
            if (b[i] == '<' && b[i + 1] == '/' && matches(b, i, END)) {
                return i + END.length;
            }
        }
        if (limit - start >= MAX_DOCUMENT) {
            throw new ProtocolException("no </data> within " + MAX_DOCUMENT + " bytes of a document start");
        }
        return -1;
    }

    private static boolean startsLike(byte[] b, int p, int limit, byte[] prefix) {
        int n = Math.min(prefix.length, limit - p);
        for (int i = 0; i < n; i++) {
            if (b[p + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(byte[] b, int p, byte[] what) {
        for (int i = 0; i < what.length; i++) {
            if (b[p + i] != what[i]) {
                return false;
            }
        }
        return true;
    }

    static int skipWhitespace(byte[] b, int p, int limit) {
        while (p < limit && (b[p] == ' ' || b[p] == '\n' || b[p] == '\r' || b[p] == '\t')) {
            p++;
        }
        return p;
    }

    private static void requireData(FirehoseXml.Document doc) {
        if (!doc.root().equals("data")) {
            throw new ProtocolException("root element is <" + doc.root() + ">, expected <data>");
        }
    }
}
