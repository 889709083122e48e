package dev.lumiaagent.image.ede;

import java.util.List;
import java.util.Objects;

/**
 * A parsed, self-consistent programmer: ELF header, program headers, the hash segment and its
 * certificate chain. Every segment with file bytes matched its hash-table entry when parsed.
 */
public record EdeImage(ElfHeader elf, List<ProgramHeader> programHeaders, int hashSegmentIndex, HashSegment hashSegment,
                       long fileSize) {
    public EdeImage {
        Objects.requireNonNull(elf, "elf");
        programHeaders = List.copyOf(programHeaders);
        Objects.requireNonNull(hashSegment, "hashSegment");
    }

    /** SHA-256 of the root certificate (see {@link HashSegment#rootKeyHash()} for the rule). */
    public byte[] rootKeyHash() {
        return hashSegment.rootKeyHash();
    }

    public ProgramHeader hashSegmentHeader() {
        return programHeaders.get(hashSegmentIndex);
    }

    @Override
    public String toString() {
        return "EdeImage " + elf + ", hash segment phdr[" + hashSegmentIndex + "], " + hashSegment + ", root-key hash "
                + java.util.HexFormat.of().withUpperCase().formatHex(rootKeyHash());
    }
}
