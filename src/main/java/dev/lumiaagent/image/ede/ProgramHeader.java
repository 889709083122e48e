package dev.lumiaagent.image.ede;

/**
 * One ELF program header. Qualcomm images keep their segment type in bits 24..26 of {@code p_flags}
 * (the "MI_PBT" segment type of the MBN tooling): 2 marks the hash segment, 7 the segment that covers
 * the ELF and program headers.
 */
public record ProgramHeader(int index, long type, long flags, long offset, long vaddr, long paddr, long filesz,
                            long memsz, long align) {
    public static final int ELF32_SIZE = 32;
    public static final int ELF64_SIZE = 56;
    public static final long PT_NULL = 0;
    public static final long PT_LOAD = 1;
    /** Qualcomm segment type 2 in p_flags bits 24..26: the hash segment. */
    public static final int SEGMENT_TYPE_HASH = 2;
    /** Qualcomm segment type 7: the ELF header and program header table. */
    public static final int SEGMENT_TYPE_PHDR = 7;
    /** p_flags of a hash segment as Qualcomm's tooling writes it: type 2 plus access bits 0x00200000. */
    public static final long HASH_SEGMENT_FLAGS = 0x02200000L;
    public static final long PHDR_SEGMENT_FLAGS = 0x07000000L;

    public ProgramHeader {
        if (offset < 0 || filesz < 0) {
            throw new IllegalArgumentException("negative offset or size");
        }
    }

    /** The Qualcomm segment type (p_flags bits 24..26). */
    public int segmentType() {
        return (int) ((flags >>> 24) & 7);
    }

    public boolean isHashSegment() {
        return segmentType() == SEGMENT_TYPE_HASH;
    }

    /** A segment the PBL loads and whose hash the table holds: PT_LOAD with file bytes. */
    public boolean isLoadedWithData() {
        return type == PT_LOAD && filesz > 0 && !isHashSegment();
    }

    /** Parses {@code count} headers from the program header table bytes; {@code base} = its file offset. */
    public static java.util.List<ProgramHeader> parseTable(byte[] table, ElfHeader elf) {
        long base = elf.phoff();
        Le.need(table, 0, elf.programHeaderTableSize(), base, "program header table");
        java.util.List<ProgramHeader> out = new java.util.ArrayList<>(elf.phnum());
        for (int i = 0; i < elf.phnum(); i++) {
            int o = i * elf.phentsize();
            String f = "program header " + i + " ";
            ProgramHeader ph;
            if (elf.elf64()) {
                ph = checked(i, Le.u32(table, o, base, f + "p_type"), Le.u32(table, o + 4, base, f + "p_flags"),
                        Le.u64(table, o + 8, base, f + "p_offset"), Le.u64(table, o + 16, base, f + "p_vaddr"),
                        Le.u64(table, o + 24, base, f + "p_paddr"), Le.u64(table, o + 32, base, f + "p_filesz"),
                        Le.u64(table, o + 40, base, f + "p_memsz"), Le.u64(table, o + 48, base, f + "p_align"), base + o);
            } else {
                ph = checked(i, Le.u32(table, o, base, f + "p_type"), Le.u32(table, o + 24, base, f + "p_flags"),
                        Le.u32(table, o + 4, base, f + "p_offset"), Le.u32(table, o + 8, base, f + "p_vaddr"),
                        Le.u32(table, o + 12, base, f + "p_paddr"), Le.u32(table, o + 16, base, f + "p_filesz"),
                        Le.u32(table, o + 20, base, f + "p_memsz"), Le.u32(table, o + 28, base, f + "p_align"), base + o);
            }
            out.add(ph);
        }
        return java.util.List.copyOf(out);
    }

    private static ProgramHeader checked(int i, long type, long flags, long offset, long vaddr, long paddr, long filesz,
                                         long memsz, long align, long at) {
        if (offset < 0 || offset > Integer.MAX_VALUE) {
            throw new EdeFormatException(at, "program header " + i + " p_offset", "beyond 2 GiB: 0x" + Long.toHexString(offset));
        }
        if (filesz < 0 || filesz > Integer.MAX_VALUE || offset + filesz > Integer.MAX_VALUE) {
            throw new EdeFormatException(at, "program header " + i + " p_filesz", "beyond 2 GiB: 0x" + Long.toHexString(filesz));
        }
        return new ProgramHeader(i, type, flags, offset, vaddr, paddr, filesz, memsz, align);
    }

    /** Encodes this header into {@code table} at its index. */
    void encodeInto(byte[] table, boolean elf64) {
        if (elf64) {
            int o = index * ELF64_SIZE;
            Le.put32(table, o, type);
            Le.put32(table, o + 4, flags);
            Le.put64(table, o + 8, offset);
            Le.put64(table, o + 16, vaddr);
            Le.put64(table, o + 24, paddr);
            Le.put64(table, o + 32, filesz);
            Le.put64(table, o + 40, memsz);
            Le.put64(table, o + 48, align);
        } else {
            int o = index * ELF32_SIZE;
            Le.put32(table, o, type);
            Le.put32(table, o + 4, offset);
            Le.put32(table, o + 8, vaddr);
            Le.put32(table, o + 12, paddr);
            Le.put32(table, o + 16, filesz);
            Le.put32(table, o + 20, memsz);
            Le.put32(table, o + 24, flags);
            Le.put32(table, o + 28, align);
        }
    }

    @Override
    public String toString() {
        return "phdr[" + index + "] type " + type + " flags 0x" + Long.toHexString(flags) + " off 0x"
                + Long.toHexString(offset) + " filesz 0x" + Long.toHexString(filesz) + " paddr 0x" + Long.toHexString(paddr);
    }
}
