package dev.lumiaagent.fuzz;

import static org.assertj.core.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.statistics.Statistics;

/**
 * The fuzzing kit the parser properties share (docs/reliability.md, "Fuzzing"): seed inputs, mutations
 * of them, and the check that a parser given hostile bytes ends in its own typed error or a value, never
 * in any other exception, and allocates no more than its input justifies.
 *
 * <p>An input is generated from (seed index, mutation seed), so a failing one is reproduced from the two
 * numbers jqwik prints ({@link #mutant}), whatever shrinking made of it.
 */
public final class Fuzz {
    /** The tries of every fuzz property unless {@code -Dfuzz.tries=N} says otherwise ({@link FuzzTries}). */
    public static final int DEFAULT_TRIES = 400;

    /** One input: where it came from (seed and mutations, enough to make it again) and its bytes. */
    public record Input(String origin, byte[] bytes) {
        @Override
        public String toString() {
            String hex = HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 512));
            return origin + " (" + bytes.length + " bytes) " + hex + (bytes.length > 512 ? "…" : "");
        }

        public String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /** A named golden input and the offsets of its length and count fields (targets of field corruption). */
    public record Seed(String name, byte[] bytes, int[] fields) {
        public Seed(String name, byte[] bytes) {
            this(name, bytes, new int[0]);
        }
    }

    /**
     * What a parser is fuzzed with: its seeds, tokens worth inserting (for text formats), and a fix-up run on
     * every mutant (e.g. recomputing a CRC so the mutation reaches past the checksum); null for none.
     */
    public record Corpus(List<Seed> seeds, List<byte[]> tokens, UnaryOperator<byte[]> fixup) {
        public Corpus {
            if (seeds.isEmpty()) {
                throw new IllegalArgumentException("a corpus needs at least one seed");
            }
            seeds = List.copyOf(seeds);
            tokens = List.copyOf(tokens);
        }

        public static Corpus of(List<Seed> seeds) {
            return new Corpus(seeds, List.of(), null);
        }

        public Corpus withTokens(String... t) {
            List<byte[]> all = new ArrayList<>(tokens);
            for (String s : t) {
                all.add(s.getBytes(StandardCharsets.UTF_8));
            }
            return new Corpus(seeds, all, fixup);
        }

        public Corpus withFixup(UnaryOperator<byte[]> f) {
            return new Corpus(seeds, tokens, f);
        }
    }

    /**
     * Inputs for one parser: mostly mutated seeds (1 to 4 stacked mutations), some seeds as they are, some
     * random bytes. Every input is made from two generated numbers; see {@link #mutant}.
     */
    public static Arbitrary<Input> inputs(Corpus corpus) {
        Arbitrary<Integer> kind = Arbitraries.integers().between(0, 99);
        Arbitrary<Integer> seedIndex = Arbitraries.integers().between(0, corpus.seeds().size() - 1);
        Arbitrary<Long> rng = Arbitraries.longs().withoutEdgeCases();
        return Combinators.combine(kind, seedIndex, rng).as((k, i, r) -> k < 5 ? seedAsIs(corpus, i)
                : k < 15 ? random(r) : mutant(corpus, i, r)).withoutEdgeCases();
    }

    static Input seedAsIs(Corpus corpus, int index) {
        Seed s = corpus.seeds().get(index);
        return new Input("seed " + s.name(), s.bytes().clone());
    }

    /** Random bytes, up to 600 of them. */
    public static Input random(long rngSeed) {
        Random r = new Random(rngSeed);
        byte[] b = new byte[r.nextInt(600)];
        r.nextBytes(b);
        return new Input("random(" + rngSeed + "L)", b);
    }

    /** Seed {@code index} under the mutations {@code rngSeed} chooses: the same two numbers give the same bytes. */
    public static Input mutant(Corpus corpus, int index, long rngSeed) {
        Seed s = corpus.seeds().get(index);
        Random r = new Random(rngSeed);
        byte[] b = s.bytes().clone();
        int n = 1 + r.nextInt(4);
        List<String> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int op = r.nextInt(10);
            ops.add(OPS[op]);
            b = mutate(op, b, s, corpus, r);
        }
        if (corpus.fixup() != null) {
            b = corpus.fixup().apply(b);
        }
        return new Input("mutant(" + index + ", " + rngSeed + "L) of " + s.name() + " " + ops, b);
    }

    private static final String[] OPS = {"bit-flip", "interesting-byte", "truncate", "insert", "delete", "duplicate", "field", "token",
        "splice", "havoc"};
    private static final long[] INTERESTING = {0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFF_FFFFL,
        0x8000_0000L, 0xFFFF_FFFFL, 0xFFFF_FFF0L, 0x1000_0000L};

    private static byte[] mutate(int op, byte[] b, Seed seed, Corpus corpus, Random r) {
        int len = b.length;
        switch (op) {
            case 0: // flip one bit
                if (len > 0) {
                    b[r.nextInt(len)] ^= (byte) (1 << r.nextInt(8));
                }
                return b;
            case 1: // an interesting byte
                if (len > 0) {
                    b[r.nextInt(len)] = (byte) INTERESTING[r.nextInt(6)];
                }
                return b;
            case 2: // truncate
                return Arrays.copyOf(b, len == 0 ? 0 : r.nextInt(len));
            case 3: { // insert random bytes
                byte[] x = new byte[1 + r.nextInt(32)];
                r.nextBytes(x);
                return insert(b, r.nextInt(len + 1), x);
            }
            case 4: { // delete a range
                if (len == 0) {
                    return b;
                }
                int from = r.nextInt(len);
                int to = Math.min(len, from + 1 + r.nextInt(64));
                byte[] out = new byte[len - (to - from)];
                System.arraycopy(b, 0, out, 0, from);
                System.arraycopy(b, to, out, from, len - to);
                return out;
            }
            case 5: { // duplicate a range
                if (len == 0) {
                    return b;
                }
                int from = r.nextInt(len);
                int to = Math.min(len, from + 1 + r.nextInt(128));
                return insert(b, r.nextInt(len + 1), Arrays.copyOfRange(b, from, to));
            }
            case 6: { // corrupt a length or count field: a known one if the seed names them, else any aligned word
                if (len < 2) {
                    return b;
                }
                int width = new int[] {1, 2, 4, 8}[r.nextInt(4)];
                int at;
                if (seed.fields().length > 0 && r.nextBoolean()) {
                    at = seed.fields()[r.nextInt(seed.fields().length)];
                } else {
                    int span = r.nextInt(4) == 0 ? len : Math.min(len, 1024); // headers sit at the front
                    at = r.nextInt(span) / width * width;
                }
                long v = INTERESTING[r.nextInt(INTERESTING.length)];
                if (r.nextInt(4) == 0) {
                    v = len + r.nextInt(9) - 4L; // near the input's own length
                }
                boolean bigEndian = r.nextInt(4) == 0;
                for (int i = 0; i < width && at + i < len; i++) {
                    int shift = 8 * (bigEndian ? width - 1 - i : i);
                    b[at + i] = (byte) (shift >= 64 ? 0 : v >>> shift);
                }
                return b;
            }
            case 7: { // a token of the format, inserted or written over
                if (corpus.tokens().isEmpty()) {
                    return mutate(9, b, seed, corpus, r);
                }
                byte[] t = corpus.tokens().get(r.nextInt(corpus.tokens().size()));
                int at = r.nextInt(len + 1);
                if (r.nextBoolean() || at + t.length > len) {
                    return insert(b, at, t);
                }
                System.arraycopy(t, 0, b, at, t.length);
                return b;
            }
            case 8: { // splice: this seed's start, another's end
                byte[] other = corpus.seeds().get(r.nextInt(corpus.seeds().size())).bytes();
                int cut = r.nextInt(len + 1);
                int from = r.nextInt(other.length + 1);
                byte[] out = Arrays.copyOf(b, cut + other.length - from);
                System.arraycopy(other, from, out, cut, other.length - from);
                return out;
            }
            default: { // havoc: random bytes at a few places
                int k = 1 + r.nextInt(16);
                for (int i = 0; i < k && len > 0; i++) {
                    b[r.nextInt(len)] = (byte) r.nextInt(256);
                }
                return b;
            }
        }
    }

    private static byte[] insert(byte[] b, int at, byte[] x) {
        byte[] out = new byte[b.length + x.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(x, 0, out, at, x.length);
        System.arraycopy(b, at, out, at + x.length, b.length - at);
        return out;
    }

    /** Runs one parser on one input. */
    @FunctionalInterface
    public interface Parser {
        void parse(byte[] bytes) throws Exception;
    }

    /**
     * The property every fuzzed parser has: {@code parser} either returns or throws one of {@code typed}
     * (with a message), nothing else: no AIOOBE, NPE, NegativeArraySize, ClassCast, NumberFormat (unless a
     * typed error is one), StackOverflow or OutOfMemory. And it allocates at most {@link #allocationBound}
     * of the input's size: a length field cannot make it reserve memory the input does not back.
     */
    @SafeVarargs
    public static void onlyTypedErrors(Input in, Parser parser, Class<? extends Throwable>... typed) {
        long used = run(in, parser, typed, true);
        long bound = allocationBound(in.bytes().length);
        if (used > bound) {
            // The first call in a JVM also pays for class loading and caches (Jackson builds its deserializers once):
            // only an input that makes the parser over-allocate again, warm, is a finding.
            used = run(in, parser, typed, false);
            if (used > bound) {
                fail("allocated " + used + " bytes for an input of " + in.bytes().length + " (bound " + bound + "): " + in);
            }
        }
    }

    /** One call; the bytes it allocated (0 where the JVM cannot tell). */
    private static long run(Input in, Parser parser, Class<? extends Throwable>[] typed, boolean collect) {
        long before = allocated();
        try {
            parser.parse(in.bytes());
            if (collect) {
                Statistics.label(label(parser)).collect("value");
            }
        } catch (Throwable t) {
            if (collect) {
                Statistics.label(label(parser)).collect(t.getClass().getSimpleName());
            }
            boolean ok = false;
            for (Class<? extends Throwable> c : typed) {
                ok |= c.isInstance(t);
            }
            if (!ok) {
                fail("untyped " + t + " for " + in, t);
            }
            if (t.getMessage() == null || t.getMessage().isBlank()) {
                fail("typed error without a message: " + t + " for " + in, t);
            }
        }
        return before < 0 ? 0 : allocated() - before;
    }

    /** How far inputs get, per parser call site: the report shows what share of them parsed. */
    private static String label(Parser parser) {
        String c = parser.getClass().getName();
        StackTraceElement[] st = new Throwable().getStackTrace();
        return st.length > 3 ? st[3].getMethodName() + ":" + st[3].getLineNumber() : c;
    }

    /** 64 bytes per input byte, plus 16 MiB for parser and JSON/XML machinery: far below what a trusted length field could ask. */
    public static long allocationBound(int inputLength) {
        return 64L * inputLength + (16L << 20);
    }

    private static final com.sun.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
            && t.isThreadAllocatedMemorySupported() ? t : null;

    /** Bytes this thread has allocated so far (HotSpot), -1 where the JVM cannot tell. */
    static long allocated() {
        return THREADS == null ? -1 : THREADS.getCurrentThreadAllocatedBytes();
    }

    private Fuzz() {
    }
}
