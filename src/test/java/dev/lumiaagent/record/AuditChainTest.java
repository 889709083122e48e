package dev.lumiaagent.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The documented hash encoding, computed here from the spelled-out bytes. */
class AuditChainTest {

    @Test
    void theHashIsSha256OverLengthPrefixedFields() throws Exception {
        String zeros = "0".repeat(64);
        // prevHash, seq, at, station, operator, jobId (null), port, event, detail ("é" is two UTF-8 bytes)
        String spelled = "64:" + zeros + "1:1" + "20:2025-05-01T08:00:00Z" + "7:bench-a" + "3:kim" + "-" + "3:1-2"
                + "7:JOB_END" + "6:caf\u00e9!";
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(spelled.getBytes(StandardCharsets.UTF_8)));

        assertThat(JdbcAuditLog.hash(zeros, 1, "2025-05-01T08:00:00Z", "bench-a", "kim", null, "1-2", "JOB_END", "caf\u00e9!"))
                .isEqualTo(expected);
    }

    @Test
    void nullAndEmptyAndShiftedFieldsHashDifferently() {
        String z = "0".repeat(64);
        String withNull = JdbcAuditLog.hash(z, 1, "t", "a", null, null, null, "E", null);
        String withEmpty = JdbcAuditLog.hash(z, 1, "t", "a", "", null, null, "E", null);
        String shifted = JdbcAuditLog.hash(z, 1, "t", "", "a", null, null, "E", null);
        assertThat(List.of(withNull, withEmpty, shifted)).doesNotHaveDuplicates();
    }

    @Test
    void anInsertedEntryIsNamed() {
        String z = "0".repeat(64);
        String h1 = JdbcAuditLog.hash(z, 1, "t1", "a", null, null, null, "E1", null);
        AuditEntry e1 = new AuditEntry(1, "t1", "a", null, null, null, "E1", null, z, h1);
        // a forged entry #2 with a correct hash of its own, but chained to nothing in the log
        String forgedPrev = "f".repeat(64);
        String h2 = JdbcAuditLog.hash(forgedPrev, 2, "t2", "a", null, null, null, "FORGED", null);
        AuditEntry e2 = new AuditEntry(2, "t2", "a", null, null, null, "FORGED", null, forgedPrev, h2);

        AuditLog.AuditVerification v = JdbcAuditLog.check(List.of(e1, e2), 2, h2);
        assertThat(v.ok()).isFalse();
        assertThat(v.firstBrokenSeq()).isEqualTo(2);
        assertThat(v.problem()).startsWith("entry #2 is not chained to entry #1");
        assertThat(JdbcAuditLog.check(List.of(e1), 1, h1)).isEqualTo(AuditLog.AuditVerification.intact(1));
        assertThat(JdbcAuditLog.check(List.of(e1), 2, h2).problem()).startsWith("entry #2 is missing (the newest");
    }
}
