package dev.lumiaagent.protocol.ncsd;

import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.protocol.wire.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Optional;

/**
 * Cuts JSON objects out of a byte stream that has lost message boundaries (a tty, DESIGN §3).
 *
 * <p>It matches braces, ignoring braces inside strings and escaped quotes inside strings. Working on
 * bytes is safe for UTF-8 because no byte of a multi-byte sequence is an ASCII brace, quote or
 * backslash. Whitespace and NULs between objects (WDRT's terminator) are skipped; anything else
 * between objects, or an object longer than the limit, is a desync. Bytes after a complete object
 * stay buffered for the next one.
 */
final class NcsdStreamFramer {
    private final int maxObjectBytes;
    private byte[] buf = new byte[256];
    private int len;
    /** Scan state over buf[0..scanned): how far the current object has been matched. */
    private int scanned;
    private int depth;
    private boolean inString;
    private boolean escaped;

    NcsdStreamFramer(int maxObjectBytes) {
        if (maxObjectBytes < 2) {
            throw new IllegalArgumentException("an object needs at least 2 bytes");
        }
        this.maxObjectBytes = maxObjectBytes;
    }

    void feed(byte[] bytes, int off, int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
        System.arraycopy(bytes, off, buf, len, n);
        len += n;
    }

    /** The next complete object, or empty when more bytes are needed. */
    Optional<byte[]> next() {
        if (scanned == 0) {
            skipSeparators();
            if (len == 0) {
                return Optional.empty();
            }
            if (buf[0] != '{') {
                throw new ProtocolException("stream holds " + Bytes.hex(buf, 0, Math.min(len, 16))
                        + " where a JSON object should start ('{')");
            }
        }
        while (scanned < len) {
            byte b = buf[scanned++];
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{' || b == '[') {
                depth++;
            } else if (b == '}' || b == ']') {
                depth--;
                if (depth == 0) {
                    byte[] object = Arrays.copyOf(buf, scanned);
                    System.arraycopy(buf, scanned, buf, 0, len - scanned);
                    len -= scanned;
                    scanned = 0;
                    return Optional.of(object);
                }
            }
            if (scanned > maxObjectBytes) {
                throw new ProtocolException("JSON object on the stream exceeds " + maxObjectBytes
                        + " bytes without closing (depth " + depth + ")");
            }
        }
        return Optional.empty();
    }

    /** Bytes held that are not yet a whole object. */
    int pending() {
        return len;
    }

    private void skipSeparators() {
        int skip = 0;
        while (skip < len && (buf[skip] == 0 || buf[skip] == ' ' || buf[skip] == '\t' || buf[skip] == '\r'
                || buf[skip] == '\n')) {
            skip++;
        }
        if (skip > 0) {
            System.arraycopy(buf, skip, buf, 0, len - skip);
            len -= skip;
        }
    }
}
