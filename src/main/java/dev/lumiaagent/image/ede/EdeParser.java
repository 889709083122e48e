package dev.lumiaagent.image.ede;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;
import java.util.List;

/**
 * Parses a programmer ({@code .ede}, {@code .mbn}, {@code .elf}) the way the PBL reads it: ELF header,
 * program header table, the hash segment (segment type 2), then every segment with file bytes, each
 * checked against its hash-table entry. Reads are bounded: the file may not exceed {@link #MAX_FILE},
 * and only the ranges the headers name are read.
 */
public final class EdeParser {
    /** Lumia programmers are well under 1 MiB; 32 MiB leaves room and bounds memory. */
    public static final long MAX_FILE = 32L * 1024 * 1024;

    private EdeParser() {
    }

    public static EdeImage parse(byte[] file) {
        return parse(new ArrayChannel(file));
    }

    /** Parses from a channel; I/O errors surface as {@link UncheckedIOException}. */
    public static EdeImage parse(SeekableByteChannel ch) {
        long size;
        try {
            size = ch.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (size > MAX_FILE) {
            throw new EdeFormatException(0, "file size", size + " bytes exceeds " + MAX_FILE);
        }
        byte[] head = read(ch, 0, (int) Math.min(size, ElfHeader.ELF64_SIZE), size, "ELF header");
        ElfHeader elf = ElfHeader.parse(head);
        byte[] table = read(ch, elf.phoff(), elf.programHeaderTableSize(), size, "program header table");
        List<ProgramHeader> phdrs = ProgramHeader.parseTable(table, elf);
        int hashIndex = -1;
        for (ProgramHeader p : phdrs) {
            if (p.isHashSegment()) {
                if (hashIndex >= 0) {
                    throw new EdeFormatException(elf.phoff() + (long) p.index() * elf.phentsize(), "p_flags",
                            "second hash segment (program headers " + hashIndex + " and " + p.index() + ")");
                }
                hashIndex = p.index();
            }
        }
        if (hashIndex < 0) {
            throw new EdeFormatException(elf.phoff(), "program header table",
                    "no hash segment (no program header with segment type 2 in p_flags bits 24..26): not a signed programmer");
        }
        ProgramHeader hp = phdrs.get(hashIndex);
        HashSegment hs = HashSegment.parse(read(ch, hp.offset(), (int) hp.filesz(), size, "hash segment"), hp.offset());
        if (hs.hashCount() != phdrs.size()) {
            throw new EdeFormatException(hp.offset() + 20, "code_size", "hash table has " + hs.hashCount()
                    + " entries for " + phdrs.size() + " program headers");
        }
        for (ProgramHeader p : phdrs) {
            if (p.index() == hashIndex || p.filesz() == 0) {
                continue;
            }
            byte[] data = read(ch, p.offset(), (int) p.filesz(), size, "segment " + p.index());
            if (!Arrays.equals(HashSegment.sha256(data), hs.hash(p.index()))) {
                throw new EdeFormatException(p.offset(), "segment " + p.index(), "SHA-256 differs from hash-table entry "
                        + p.index() + ": the file is damaged or was modified after signing");
            }
        }
        return new EdeImage(elf, phdrs, hashIndex, hs, size);
    }

    private static byte[] read(SeekableByteChannel ch, long offset, int length, long size, String field) {
        if (offset < 0 || offset + length > size) {
            throw new EdeFormatException(offset, field, "0x" + Integer.toHexString(length) + " bytes at 0x"
                    + Long.toHexString(offset) + " run past the end of the " + size + "-byte file");
        }
        ByteBuffer buf = ByteBuffer.allocate(length);
        try {
            ch.position(offset);
            while (buf.hasRemaining()) {
                if (ch.read(buf) < 0) {
                    throw new EdeFormatException(offset + buf.position(), field, "file ended early");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.array();
    }

    /** A read-only channel over an array (keeps this package free of other project packages). */
    static final class ArrayChannel implements SeekableByteChannel {
        private final byte[] data;
        private long position;

        ArrayChannel(byte[] data) {
            this.data = data;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (position >= data.length) {
                return -1;
            }
            int n = (int) Math.min(dst.remaining(), data.length - position);
            dst.put(data, (int) position, n);
            position += n;
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            throw new java.nio.channels.NonWritableChannelException();
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public SeekableByteChannel position(long newPosition) {
            if (newPosition < 0) {
                throw new IllegalArgumentException("negative position");
            }
            position = newPosition;
            return this;
        }

        @Override
        public long size() {
            return data.length;
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new java.nio.channels.NonWritableChannelException();
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
