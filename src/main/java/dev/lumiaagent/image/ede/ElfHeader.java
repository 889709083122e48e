package dev.lumiaagent.image.ede;

/**
 * The ELF file header of a programmer, the fields the PBL and this parser use. Only little-endian
 * ELF32 / ELF64 files exist for Qualcomm programmers; anything else is refused.
 *
 * @param elf64 class 2 (64-bit) rather than class 1
 * @param machine e_machine (40 = ARM, 183 = AArch64)
 * @param entry e_entry, where the PBL jumps after DONE
 * @param phoff file offset of the program header table
 * @param phentsize size of one program header (32 for ELF32, 56 for ELF64)
 * @param phnum number of program headers
 */
public record ElfHeader(boolean elf64, int machine, long entry, long phoff, int phentsize, int phnum) {
    /** Bytes of an ELF32 header. */
    public static final int ELF32_SIZE = 0x34;
    /** Bytes of an ELF64 header; a PBL's first READ_DATA asks for this many (issue bkerler/edl#398). */
    public static final int ELF64_SIZE = 0x40;
    /** More program headers than this is not a programmer (qdl and the PBLs cap far lower). */
    public static final int MAX_PROGRAM_HEADERS = 64;

    public ElfHeader {
        if (phnum < 0 || phnum > MAX_PROGRAM_HEADERS) {
            throw new IllegalArgumentException("program header count out of range: " + phnum);
        }
        if (phentsize != (elf64 ? ProgramHeader.ELF64_SIZE : ProgramHeader.ELF32_SIZE)) {
            throw new IllegalArgumentException("program header size " + phentsize + " for ELF" + (elf64 ? 64 : 32));
        }
    }

    public int headerSize() {
        return elf64 ? ELF64_SIZE : ELF32_SIZE;
    }

    /** Bytes of the program header table. */
    public int programHeaderTableSize() {
        return phentsize * phnum;
    }

    /** Parses the header from the first bytes of the file (at least 0x34 for ELF32, 0x40 for ELF64). */
    public static ElfHeader parse(byte[] b) {
        Le.need(b, 0, 0x10, 0, "e_ident");
        if (b[0] != 0x7F || b[1] != 'E' || b[2] != 'L' || b[3] != 'F') {
            throw new EdeFormatException(0, "e_ident magic", "not an ELF file (expected 7F 45 4C 46)");
        }
        int cls = b[4] & 0xFF;
        if (cls != 1 && cls != 2) {
            throw new EdeFormatException(4, "e_ident class", "expected 1 (ELF32) or 2 (ELF64), found " + cls);
        }
        if (b[5] != 1) {
            throw new EdeFormatException(5, "e_ident data", "expected 1 (little-endian), found " + (b[5] & 0xFF));
        }
        if (b[6] != 1) {
            throw new EdeFormatException(6, "e_ident version", "expected 1, found " + (b[6] & 0xFF));
        }
        boolean is64 = cls == 2;
        Le.need(b, 0, is64 ? ELF64_SIZE : ELF32_SIZE, 0, "ELF header");
        int machine = Le.u16(b, 0x12, 0, "e_machine");
        long entry;
        long phoff;
        int ehsize;
        int phentsize;
        int phnum;
        if (is64) {
            entry = Le.u64(b, 0x18, 0, "e_entry");
            phoff = Le.u64(b, 0x20, 0, "e_phoff");
            ehsize = Le.u16(b, 0x34, 0, "e_ehsize");
            phentsize = Le.u16(b, 0x36, 0, "e_phentsize");
            phnum = Le.u16(b, 0x38, 0, "e_phnum");
        } else {
            entry = Le.u32(b, 0x18, 0, "e_entry");
            phoff = Le.u32(b, 0x1C, 0, "e_phoff");
            ehsize = Le.u16(b, 0x28, 0, "e_ehsize");
            phentsize = Le.u16(b, 0x2A, 0, "e_phentsize");
            phnum = Le.u16(b, 0x2C, 0, "e_phnum");
        }
        int expectedEh = is64 ? ELF64_SIZE : ELF32_SIZE;
        if (ehsize != expectedEh) {
            throw new EdeFormatException(is64 ? 0x34 : 0x28, "e_ehsize", "expected " + expectedEh + ", found " + ehsize);
        }
        int expectedPh = is64 ? ProgramHeader.ELF64_SIZE : ProgramHeader.ELF32_SIZE;
        if (phentsize != expectedPh) {
            throw new EdeFormatException(is64 ? 0x36 : 0x2A, "e_phentsize", "expected " + expectedPh + ", found " + phentsize);
        }
        if (phnum == 0 || phnum > MAX_PROGRAM_HEADERS) {
            throw new EdeFormatException(is64 ? 0x38 : 0x2C, "e_phnum", "expected 1.." + MAX_PROGRAM_HEADERS + ", found " + phnum);
        }
        if (phoff < expectedEh || phoff > Integer.MAX_VALUE) {
            throw new EdeFormatException(is64 ? 0x20 : 0x1C, "e_phoff", "program headers at 0x" + Long.toHexString(phoff)
                    + " overlap the ELF header or lie beyond 2 GiB");
        }
        return new ElfHeader(is64, machine, entry, phoff, phentsize, phnum);
    }

    /** Encodes this header (the builder's inverse of {@link #parse}). */
    public byte[] encode() {
        byte[] b = new byte[headerSize()];
        b[0] = 0x7F;
        b[1] = 'E';
        b[2] = 'L';
        b[3] = 'F';
        b[4] = (byte) (elf64 ? 2 : 1);
        b[5] = 1;
        b[6] = 1;
        Le.put16(b, 0x10, 2); // ET_EXEC
        Le.put16(b, 0x12, machine);
        Le.put32(b, 0x14, 1);
        if (elf64) {
            Le.put64(b, 0x18, entry);
            Le.put64(b, 0x20, phoff);
            Le.put16(b, 0x34, ELF64_SIZE);
            Le.put16(b, 0x36, phentsize);
            Le.put16(b, 0x38, phnum);
        } else {
            Le.put32(b, 0x18, entry);
            Le.put32(b, 0x1C, phoff);
            Le.put16(b, 0x28, ELF32_SIZE);
            Le.put16(b, 0x2A, phentsize);
            Le.put16(b, 0x2C, phnum);
        }
        return b;
    }

    @Override
    public String toString() {
        return "ELF" + (elf64 ? 64 : 32) + " machine " + machine + " entry 0x" + Long.toHexString(entry)
                + " phoff 0x" + Long.toHexString(phoff) + " phnum " + phnum;
    }
}
