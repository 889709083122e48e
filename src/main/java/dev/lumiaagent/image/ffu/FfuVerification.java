package dev.lumiaagent.image.ffu;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link FfuVerifier} found: every check with its verdict, and the first bad chunk.
 *
 * @param firstBadChunk       hash-table index of the first chunk whose SHA-256 differs (or is missing), -1 if none
 * @param firstBadChunkOffset its file offset, -1 if none
 * @param fileSha256          SHA-256 of the whole file (lowercase hex), taken in the same pass — what records and
 *                            audit entries name the firmware by
 */
public record FfuVerification(List<Check> checks, long chunksChecked, long badChunks, long firstBadChunk, long firstBadChunkOffset,
                              String fileSha256) {

    /** One named check. */
    public record Check(String name, boolean passed, String detail) {
        @Override
        public String toString() {
            return (passed ? "ok   " : "FAIL ") + name + ": " + detail;
        }
    }

    public FfuVerification {
        checks = List.copyOf(checks);
    }

    public boolean valid() {
        return checks.stream().allMatch(Check::passed);
    }

    public List<Check> failures() {
        List<Check> f = new ArrayList<>();
        for (Check c : checks) {
            if (!c.passed()) {
                f.add(c);
            }
        }
        return f;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(valid() ? "VERIFY ok" : "VERIFY FAILED");
        if (firstBadChunk >= 0) {
            s.append(" first bad chunk ").append(firstBadChunk).append(" @").append(Le.hex(firstBadChunkOffset));
        }
        for (Check c : checks) {
            s.append("\n  ").append(c);
        }
        return s.toString();
    }
}
