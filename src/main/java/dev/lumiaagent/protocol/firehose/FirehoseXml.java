package dev.lumiaagent.protocol.firehose;

import dev.lumiaagent.protocol.wire.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict reader and writer for the attribute-only XML that Firehose speaks (edl-protocol.md
 * §3.1) and that QFIL {@code rawprogram*.xml} / {@code patch*.xml} files use: an optional XML
 * declaration, comments, one root element whose children are empty elements carrying attributes.
 *
 * <p>Why not the JDK's parser: these documents never need more than this, and a hand reader that
 * knows nothing of DTDs cannot be talked into resolving an external entity or expanding a billion
 * laughs — there is no feature to switch off, so none can be left on by a JDK vendor's default. It
 * fails with a {@link ProtocolException} naming the offset, never with a checked SAX exception, and
 * costs one pass per document. What it refuses on purpose: {@code <!DOCTYPE}, CDATA, processing
 * instructions other than the declaration, text content, elements nested below the root's children,
 * entity references other than the five predefined ones and numeric character references.
 */
final class FirehoseXml {
    /** One empty element: its name and attributes in document order. */
    record Element(String name, Map<String, String> attributes) {
        Element {
            attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        }
    }

    /** A parsed document: the root's name and attributes, and its child elements in order. */
    record Document(String root, Map<String, String> rootAttributes, List<Element> children) {
        Document {
            rootAttributes = Collections.unmodifiableMap(new LinkedHashMap<>(rootAttributes));
            children = List.copyOf(children);
        }
    }

    private final String s;
    private final String what;
    private int p;

    private FirehoseXml(String s, String what) {
        this.s = s;
        this.what = what;
    }

    /** Decodes strict UTF-8 (a leading BOM is dropped) and parses one whole document. */
    static Document parse(byte[] bytes, int off, int len, String what) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, off, len)).toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException(what + " is not valid UTF-8");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        return new FirehoseXml(text, what).document();
    }

    private Document document() {
        misc(true);
        if (!s.startsWith("<", p)) {
            throw error("expected the root element");
        }
        p++;
        String root = name();
        Map<String, String> rootAttributes = attributes();
        List<Element> children = new ArrayList<>();
        if (s.startsWith("/>", p)) {
            p += 2;
        } else {
            expect(">");
            while (true) {
                misc(false);
                if (s.startsWith("</", p)) {
                    p += 2;
                    String end = name();
                    if (!end.equals(root)) {
                        throw error("end tag </" + end + "> does not close <" + root + ">");
                    }
                    whitespace();
                    expect(">");
                    break;
                }
                if (!s.startsWith("<", p)) {
                    throw error(p >= s.length() ? "document ends inside <" + root + ">" : "text content is not allowed");
                }
                p++;
                String name = name();
                Map<String, String> attributes = attributes();
                if (s.startsWith("/>", p)) {
                    p += 2;
                } else {
                    expect(">");
                    misc(false);
                    if (!s.startsWith("</", p)) {
                        throw error("<" + name + "> may hold only whitespace and comments");
                    }
                    p += 2;
                    String end = name();
                    if (!end.equals(name)) {
                        throw error("end tag </" + end + "> does not close <" + name + ">");
                    }
                    whitespace();
                    expect(">");
                }
                children.add(new Element(name, attributes));
            }
        }
        misc(false);
        if (p != s.length()) {
            throw error("content after the root element");
        }
        return new Document(root, rootAttributes, children);
    }

    /** Whitespace and comments; at the very start also the XML declaration. */
    private void misc(boolean prolog) {
        boolean first = prolog;
        while (true) {
            whitespace();
            if (s.startsWith("<?xml", p) && first && s.substring(0, p).isBlank()) {
                int end = s.indexOf("?>", p);
                if (end < 0) {
                    throw error("unterminated XML declaration");
                }
                p = end + 2;
            } else if (s.startsWith("<!--", p)) {
                int end = s.indexOf("-->", p + 4);
                if (end < 0) {
                    throw error("unterminated comment");
                }
                p = end + 3;
            } else if (s.startsWith("<!", p)) {
                throw error("DTDs, CDATA and other declarations are not accepted");
            } else if (s.startsWith("<?", p)) {
                throw error("processing instructions are not accepted");
            } else {
                return;
            }
            first = false;
        }
    }

    private void whitespace() {
        while (p < s.length()) {
            char c = s.charAt(p);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                p++;
            } else {
                return;
            }
        }
    }

    private String name() {
        int start = p;
        while (p < s.length() && isNameChar(s.charAt(p), p == start)) {
            p++;
        }
        if (p == start) {
            throw error("expected a name");
        }
        return s.substring(start, p);
    }

    private static boolean isNameChar(char c, boolean first) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':') {
            return true;
        }
        return !first && ((c >= '0' && c <= '9') || c == '-' || c == '.');
    }

    private Map<String, String> attributes() {
        Map<String, String> out = new LinkedHashMap<>();
        while (true) {
            int before = p;
            whitespace();
            if (p >= s.length()) {
                throw error("document ends inside a tag");
            }
            char c = s.charAt(p);
            if (c == '/' || c == '>') {
                return out;
            }
            if (p == before) {
                throw error("attributes must be separated by whitespace");
            }
            String name = name();
            whitespace();
            expect("=");
            whitespace();
            if (p >= s.length() || (s.charAt(p) != '"' && s.charAt(p) != '\'')) {
                throw error("attribute " + name + " needs a quoted value");
            }
            char quote = s.charAt(p++);
            int end = s.indexOf(quote, p);
            if (end < 0) {
                throw error("unterminated value of attribute " + name);
            }
            String raw = s.substring(p, end);
            if (raw.indexOf('<') >= 0) {
                throw error("'<' inside the value of attribute " + name);
            }
            if (out.put(name, unescape(raw, name)) != null) {
                throw error("attribute " + name + " appears twice");
            }
            p = end + 1;
        }
    }

    private String unescape(String raw, String attribute) {
        if (raw.indexOf('&') < 0) {
            return raw;
        }
        StringBuilder b = new StringBuilder(raw.length());
        int i = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (c != '&') {
                b.append(c);
                i++;
                continue;
            }
            int semi = raw.indexOf(';', i);
            if (semi < 0 || semi - i > 10) {
                throw error("bad entity reference in attribute " + attribute);
            }
            String ref = raw.substring(i + 1, semi);
            switch (ref) {
                case "amp": b.append('&'); break;
                case "lt": b.append('<'); break;
                case "gt": b.append('>'); break;
                case "quot": b.append('"'); break;
                case "apos": b.append('\''); break;
                default:
                    b.appendCodePoint(charRef(ref, attribute));
            }
            i = semi + 1;
        }
        return b.toString();
    }

    private int charRef(String ref, String attribute) {
        try {
            int cp;
            if (ref.startsWith("#x")) {
                cp = Integer.parseInt(ref.substring(2), 16);
            } else if (ref.startsWith("#")) {
                cp = Integer.parseInt(ref.substring(1), 10);
            } else {
                throw error("entity &" + ref + "; is not one of the predefined ones (attribute " + attribute + ")");
            }
            if (cp <= 0 || cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF)) {
                throw error("character reference &" + ref + "; out of range");
            }
            return cp;
        } catch (NumberFormatException e) {
            throw error("bad character reference &" + ref + ";");
        }
    }

    private void expect(String token) {
        if (!s.startsWith(token, p)) {
            throw error("expected '" + token + "'");
        }
        p += token.length();
    }

    private ProtocolException error(String message) {
        return new ProtocolException(what + ": " + message + " at character " + p);
    }

    /** Escapes an attribute value for double quotes. */
    static String escape(String value) {
        StringBuilder b = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            String rep;
            switch (c) {
                case '&': rep = "&amp;"; break;
                case '<': rep = "&lt;"; break;
                case '>': rep = "&gt;"; break;
                case '"': rep = "&quot;"; break;
                case '\n': rep = "&#10;"; break;
                case '\r': rep = "&#13;"; break;
                case '\t': rep = "&#9;"; break;
                default: rep = null;
            }
            if (rep != null && b == null) {
                b = new StringBuilder(value.length() + 16).append(value, 0, i);
            }
            if (b != null) {
                if (rep != null) {
                    b.append(rep);
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? value : b.toString();
    }

    /** {@code <name a="1" b="2" />}: the form qdl and edl send (a space before {@code />}). */
    static void appendElement(StringBuilder b, String name, Map<String, String> attributes) {
        b.append('<').append(name);
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            b.append(' ').append(e.getKey()).append("=\"").append(escape(e.getValue())).append('"');
        }
        b.append(" />");
    }

    /**
     * An attribute by name, exact first, then ignoring case: real programmers write
     * {@code MaxPayloadSizeFromTargetInbytes} (issue #13, traces/firehose) where the spec says "InBytes".
     */
    public static String attribute(java.util.Map<String, String> attributes, String name) {
        String v = attributes.get(name);
        if (v != null) {
            return v;
        }
        for (java.util.Map.Entry<String, String> e : attributes.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }
}
