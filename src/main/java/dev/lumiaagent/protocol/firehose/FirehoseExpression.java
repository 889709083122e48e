package dev.lumiaagent.protocol.firehose;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A sector or value expression as {@code rawprogram*.xml} / {@code patch*.xml} files and Firehose
 * attributes carry them (edl-protocol.md §3.4): a decimal, {@code NUM_DISK_SECTORS}, sums and
 * differences of those, each number optionally followed by the dot QFIL files write
 * ({@code NUM_DISK_SECTORS-33.}), or {@code CRC32(start, length)} — the CRC-32 of {@code length}
 * bytes from sector {@code start}, used to fix GPT header checksums. This is the subset those files
 * use; anything else is refused when the expression is made.
 */
public final class FirehoseExpression {
    /** The disk-size placeholder programmers replace with the storage's sector count. */
    public static final String NUM_DISK_SECTORS = "NUM_DISK_SECTORS";

    private final String text;
    private final List<Term> sum;
    private final List<Term> crcLength;

    /** One signed term of a sum: a constant or ±NUM_DISK_SECTORS. */
    private record Term(boolean negative, boolean diskSectors, long constant) {
    }

    private FirehoseExpression(String text, List<Term> sum, List<Term> crcLength) {
        this.text = text;
        this.sum = sum;
        this.crcLength = crcLength;
    }

    /** @throws IllegalArgumentException when {@code text} is not in the supported subset */
    public static FirehoseExpression parse(String text) {
        Objects.requireNonNull(text, "text");
        String t = text.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty expression");
        }
        if (t.regionMatches(true, 0, "CRC32(", 0, 6)) {
            if (!t.endsWith(")")) {
                throw new IllegalArgumentException("CRC32 expression without a closing parenthesis: " + text);
            }
            String inner = t.substring(6, t.length() - 1);
            int comma = inner.indexOf(',');
            if (comma < 0 || inner.indexOf(',', comma + 1) >= 0) {
                throw new IllegalArgumentException("CRC32 needs exactly two arguments (start sector, length): " + text);
            }
            return new FirehoseExpression(t, sum(inner.substring(0, comma), text), sum(inner.substring(comma + 1), text));
        }
        return new FirehoseExpression(t, sum(t, text), null);
    }

    public static FirehoseExpression of(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative value: " + value);
        }
        return new FirehoseExpression(Long.toString(value), List.of(new Term(false, false, value)), null);
    }

    private static List<Term> sum(String s, String whole) {
        List<Term> terms = new ArrayList<>();
        int i = 0;
        int n = s.length();
        boolean negative = false;
        boolean expectTerm = true;
        while (true) {
            while (i < n && s.charAt(i) == ' ') {
                i++;
            }
            if (expectTerm) {
                if (s.startsWith(NUM_DISK_SECTORS, i)) {
                    i += NUM_DISK_SECTORS.length();
                    terms.add(new Term(negative, true, 0));
                } else {
                    int start = i;
                    while (i < n && Character.isDigit(s.charAt(i))) {
                        i++;
                    }
                    if (i == start || i - start > 18) {
                        throw new IllegalArgumentException("expected a number or NUM_DISK_SECTORS in '" + whole + "'");
                    }
                    terms.add(new Term(negative, false, Long.parseLong(s.substring(start, i))));
                }
                if (i < n && s.charAt(i) == '.') {
                    i++; // QFIL writes "33." for decimal
                }
                expectTerm = false;
            } else {
                if (i == n) {
                    return List.copyOf(terms);
                }
                char c = s.charAt(i++);
                if (c == '+' || c == '-') {
                    negative = c == '-';
                    expectTerm = true;
                } else {
                    throw new IllegalArgumentException("unexpected '" + c + "' in '" + whole + "'");
                }
            }
            if (expectTerm && i >= n) {
                throw new IllegalArgumentException("expression ends after an operator: '" + whole + "'");
            }
        }
    }

    public String text() {
        return text;
    }

    public boolean isCrc32() {
        return crcLength != null;
    }

    public boolean usesDiskSize() {
        return sum.stream().anyMatch(Term::diskSectors)
                || (crcLength != null && crcLength.stream().anyMatch(Term::diskSectors));
    }

    /**
     * The value, with {@code NUM_DISK_SECTORS} = {@code numDiskSectors}.
     *
     * @throws IllegalStateException for a CRC32 expression (it needs the disk's bytes)
     * @throws IllegalArgumentException when the result is negative
     */
    public long evaluate(long numDiskSectors) {
        if (isCrc32()) {
            throw new IllegalStateException("CRC32(...) needs the disk's bytes: use crc32Start / crc32Length");
        }
        return eval(sum, numDiskSectors);
    }

    /** The sector a CRC32 expression starts at. */
    public long crc32Start(long numDiskSectors) {
        requireCrc();
        return eval(sum, numDiskSectors);
    }

    /** The byte count a CRC32 expression covers. */
    public long crc32Length(long numDiskSectors) {
        requireCrc();
        return eval(crcLength, numDiskSectors);
    }

    private void requireCrc() {
        if (!isCrc32()) {
            throw new IllegalStateException(text + " is not a CRC32 expression");
        }
    }

    private long eval(List<Term> terms, long numDiskSectors) {
        long v = 0;
        for (Term t : terms) {
            long x = t.diskSectors() ? numDiskSectors : t.constant();
            v = t.negative() ? Math.subtractExact(v, x) : Math.addExact(v, x);
        }
        if (v < 0) {
            throw new IllegalArgumentException(text + " is negative (" + v + ") with NUM_DISK_SECTORS=" + numDiskSectors);
        }
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FirehoseExpression && ((FirehoseExpression) o).text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
