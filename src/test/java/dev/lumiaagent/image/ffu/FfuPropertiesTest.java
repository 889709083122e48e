package dev.lumiaagent.image.ffu;

import static dev.lumiaagent.image.ffu.FfuTestImages.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Build → parse → verify → reconstruct on random small disks (1–4 KiB chunks keep it fast). */
class FfuPropertiesTest {

    record Disk(int chunkKb, byte[] bytes, List<String> ids) {
        @Override
        public String toString() {
            return "Disk(" + chunkKb + " KiB x " + bytes.length / (chunkKb * 1024) + ", " + ids + ")";
        }
    }

    @Provide
    Arbitrary<Disk> disks() {
        Arbitrary<Integer> chunkKb = Arbitraries.of(1, 2, 4);
        Arbitrary<Integer> blocks = Arbitraries.integers().between(2, 40);
        Arbitrary<Long> seed = Arbitraries.longs();
        Arbitrary<String> id = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(40);
        Arbitrary<List<String>> ids = id.list().ofMinSize(1).ofMaxSize(4);
        return Combinators.combine(chunkKb, blocks, seed, ids).as((kb, n, s, i) -> {
            int c = kb * 1024;
            byte[] d = new byte[n * c];
            Random r = new Random(s);
            for (int b = 0; b < n; b++) {
                int kind = r.nextInt(4); // zero, full random, a few bytes, a pattern
                if (kind == 1) {
                    for (int k = 0; k < c; k++) {
                        d[b * c + k] = (byte) r.nextInt();
                    }
                } else if (kind == 2) {
                    d[b * c + r.nextInt(c)] = (byte) (1 + r.nextInt(255));
                } else if (kind == 3) {
                    pattern(d, b * c, c, b);
                }
            }
            return new Disk(kb, d, i);
        });
    }

    static byte[] build(Disk d) throws IOException {
        return FfuTestImages.build(new FfuBuilder().platformIds(d.ids()).chunkSizeKb(d.chunkKb()), disk(d.bytes()));
    }

    @Property(tries = 60)
    void buildParseRoundTripAndReconstruction(@ForAll("disks") Disk d) throws Exception {
        byte[] f = build(d);
        FfuImage img = parse(f);
        int c = d.chunkKb() * 1024;
        assertThat(img.platformIds()).isEqualTo(d.ids());
        assertThat(img.manifest().platformIds()).isEqualTo(d.ids());
        assertThat(img.chunkSize()).isEqualTo(c);
        assertThat(img.expectedFileLength()).isEqualTo(f.length);
        long nonZeroMiddle = 0;
        for (int b = 1; b < d.bytes().length / c - 1; b++) {
            int from = b * c;
            if (Arrays.mismatch(Arrays.copyOfRange(d.bytes(), from, from + c), new byte[c]) >= 0) {
                nonZeroMiddle++;
            }
        }
        assertThat(img.descriptors()).hasSize((int) nonZeroMiddle + 4); // zero wipe, data, flash-only GPT, final GPT ×2
        FfuVerification v = verify(f);
        assertThat(v.valid()).as(v.toString()).isTrue();
        assertThat(v.fileSha256()).isEqualTo(java.util.HexFormat.of().formatHex(sha256(f))); // the whole file, same pass
        SparseDisk out = new SparseDisk(d.bytes().length, c);
        RawImage.reconstruct(new ByteArrayChannel(f), img, d.bytes().length / c, out, true, FfuProgress.NONE);
        assertThat(out.sha256()).isEqualTo(sha256(d.bytes()));
        assertThat(out.read(0, d.bytes().length)).isEqualTo(d.bytes());
    }

    @Property(tries = 80)
    void aFlippedByteInTheHashedAreaIsCaughtAtItsChunk(@ForAll("disks") Disk d, @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int where,
            @ForAll @IntRange(min = 1, max = 255) int mask) throws Exception {
        byte[] f = build(d);
        FfuImage img = parse(f);
        long hashed = f.length - img.imageOffset();
        int off = (int) (img.imageOffset() + Math.floorMod(where, hashed));
        f[off] ^= (byte) mask;
        FfuVerification v;
        try {
            v = verify(f);
        } catch (FfuFormatException e) {
            // a header field changed so much that the image no longer parses: caught, by name
            assertThat(off).isLessThan((int) img.payloadOffset());
            return;
        }
        assertThat(v.valid()).isFalse();
        if (off >= img.payloadOffset()) {
            assertThat(v.firstBadChunk()).isEqualTo((off - img.imageOffset()) / img.chunkSize());
            assertThat(v.firstBadChunkOffset()).isEqualTo(img.imageOffset() + (off - img.imageOffset()) / img.chunkSize() * img.chunkSize());
            assertThat(v.badChunks()).isEqualTo(1);
        } else {
            // a header byte: the hash of its chunk fails unless the parse moved the regions
            assertThat(v.firstBadChunk()).isGreaterThanOrEqualTo(0);
        }
    }

    @Property(tries = 200)
    void truncationsAndMutationsOnlyEverThrowFfuFormatException(@ForAll("disks") Disk d, @ForAll long seed) throws Exception {
        byte[] f = build(d);
        Random r = new Random(seed);
        byte[] g;
        switch (r.nextInt(3)) {
            case 0:
                g = Arrays.copyOf(f, r.nextInt(f.length + 1));
                break;
            case 1: {
                g = f.clone();
                int headerEnd = (int) parse(f).payloadOffset();
                for (int i = 1 + r.nextInt(8); i > 0; i--) {
                    int at = r.nextInt(4) == 0 ? r.nextInt(Math.min(64, g.length)) : r.nextInt(headerEnd);
                    g[at] = (byte) r.nextInt();
                }
                break;
            }
            default:
                g = new byte[r.nextInt(3000)];
                r.nextBytes(g);
                if (g.length >= 16 && r.nextBoolean()) {
                    System.arraycopy(f, 0, g, 0, 16); // a plausible security header start
                }
        }
        try {
            ByteArrayChannel ch = new ByteArrayChannel(g);
            FfuImage img = FfuParser.parse(ch);
            FfuVerifier.verify(ch, img, FfuProgress.NONE);
            img.toString();
            try {
                RawImage.reconstruct(ch, img, Math.max(1, RawImage.minimumDiskBlocks(img)), new SparseDisk(
                        Math.max(1, RawImage.minimumDiskBlocks(img)) * img.blockSize(), img.blockSize()), false, FfuProgress.NONE);
            } catch (FfuFormatException expected) {
                // short payload or a location off the disk
            }
        } catch (FfuFormatException expected) {
            assertThat(expected.getMessage()).contains("@0x");
        } catch (Exception | Error e) {
            fail("unexpected " + e, e);
        }
    }

    @Property(tries = 300)
    void randomDerNeverThrows(@ForAll byte[] der) {
        Catalog c = Catalog.parse(der);
        assertThat(c.hashTableDigest().isPresent() || c.problem().isPresent()).isTrue();
    }

    @Property(tries = 100)
    void unsignedCatalogCarriesTheDigest(@ForAll long seed) {
        byte[] sha1 = new byte[20];
        new Random(seed).nextBytes(sha1);
        Catalog c = Catalog.parse(Catalog.unsignedFor(sha1));
        assertThat(c.hashTableDigest()).hasValueSatisfying(x -> assertThat(x).isEqualTo(sha1));
        assertThat(c.signerCount()).isZero();
    }

    @Property(tries = 100)
    void sparseDiskReadsBackWhatWasWritten(@ForAll long seed) {
        Random r = new Random(seed);
        int bs = 64;
        int size = bs * (1 + r.nextInt(20)) + r.nextInt(bs);
        byte[] model = new byte[size];
        SparseDisk disk = new SparseDisk(size, bs);
        for (int i = 0; i < 20; i++) {
            int off = r.nextInt(size);
            int len = r.nextInt(size - off + 1);
            byte[] data = new byte[len];
            if (r.nextBoolean()) {
                r.nextBytes(data);
            }
            disk.write(off, java.nio.ByteBuffer.wrap(data));
            System.arraycopy(data, 0, model, off, len);
        }
        assertThat(disk.read(0, size)).isEqualTo(model);
        try {
            assertThat(disk.sha256()).isEqualTo(sha256(model));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Property(tries = 30)
    void theFilesSha256IsOfEveryByteEvenWhenTheFileIsCutOrLonger(@ForAll("disks") Disk d,
            @ForAll @IntRange(min = -4096, max = 4096) int change) throws Exception {
        byte[] f = build(d);
        int len = Math.max((int) parse(f).payloadOffset(), f.length + change); // the headers stay whole, so it parses
        byte[] g = Arrays.copyOf(f, len); // cut, or padded with zeros
        FfuVerification v = verify(g);
        assertThat(v.fileSha256()).isEqualTo(java.util.HexFormat.of().formatHex(sha256(g)));
    }
}
