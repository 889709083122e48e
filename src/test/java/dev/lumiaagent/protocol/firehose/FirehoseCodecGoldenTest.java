package dev.lumiaagent.protocol.firehose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.protocol.wire.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Documents quoted in edl-protocol.md §3, both directions, byte for byte. */
class FirehoseCodecGoldenTest {

    private static String text(FirehoseCommand c) {
        return new String(FirehoseCodec.encode(c), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void nopIsTheDetectionProbeOfSection7() {
        assertThat(text(new FirehoseNop())).isEqualTo("<?xml version=\"1.0\" ?><data><nop /></data>");
        assertThat(FirehoseCodec.decodeCommand(utf8("<?xml version=\"1.0\" ?><data><nop /></data>"))).isEqualTo(new FirehoseNop());
    }

    @Test
    void configureCarriesMemoryZlpAndPayload() {
        assertThat(text(FirehoseConfigure.of("emmc", 1048576))).isEqualTo("<?xml version=\"1.0\" ?><data>"
                + "<configure MemoryName=\"emmc\" ZLPAwareHost=\"1\" MaxPayloadSizeToTargetInBytes=\"1048576\" Verbose=\"0\""
                + " SkipStorageInit=\"0\" /></data>");
        // qdl spells it ZlpAwareHost (§1.7); both are read.
        FirehoseCommand qdl = FirehoseCodec.decodeCommand(utf8("<?xml version=\"1.0\" ?><data><configure MemoryName=\"ufs\""
                + " MaxPayloadSizeToTargetInBytes=\"1048576\" ZlpAwareHost=\"1\" SkipStorageInit=\"0\" Verbose=\"0\"/></data>"));
        assertThat(qdl).isEqualTo(new FirehoseConfigure("ufs", 1048576, true, 0, false));
    }

    @Test
    void sectorCommands() {
        assertThat(text(FirehoseProgram.of(512, 34, 2048, 0))).isEqualTo("<?xml version=\"1.0\" ?><data><program"
                + " SECTOR_SIZE_IN_BYTES=\"512\" num_partition_sectors=\"2048\" physical_partition_number=\"0\" start_sector=\"34\""
                + " /></data>");
        assertThat(text(new FirehoseProgram(512, 33, 0, FirehoseExpression.parse("NUM_DISK_SECTORS-33."), "gpt_backup0.bin",
                "BackupGPT"))).contains("start_sector=\"NUM_DISK_SECTORS-33.\" filename=\"gpt_backup0.bin\" label=\"BackupGPT\"");
        assertThat(text(FirehoseRead.of(4096, 1, 1, 0))).isEqualTo("<?xml version=\"1.0\" ?><data><read"
                + " SECTOR_SIZE_IN_BYTES=\"4096\" num_partition_sectors=\"1\" physical_partition_number=\"0\" start_sector=\"1\" />"
                + "</data>");
        assertThat(text(FirehoseErase.of(512, 0, 8, 0))).startsWith("<?xml version=\"1.0\" ?><data><erase ");
        assertThat(text(FirehoseGetSha256Digest.of(512, 0, 8, 0))).contains("<getsha256digest SECTOR_SIZE_IN_BYTES=\"512\"");
        assertThat(text(new FirehoseGetStorageInfo(0)))
                .isEqualTo("<?xml version=\"1.0\" ?><data><getstorageinfo physical_partition_number=\"0\" /></data>");
        assertThat(text(FirehosePower.reset())).isEqualTo("<?xml version=\"1.0\" ?><data><power value=\"reset\" /></data>");
    }

    @Test
    void patchOfABackupGptHeaderAsPatchFilesWriteIt() {
        FirehosePatch p = new FirehosePatch(512, 88, "DISK", 0, 4, FirehoseExpression.parse("NUM_DISK_SECTORS-1."),
                FirehoseExpression.parse("CRC32(NUM_DISK_SECTORS-33.,4096)"), "Update Backup Header with CRC of Partition Array.");
        String doc = text(p);
        assertThat(doc).isEqualTo("<?xml version=\"1.0\" ?><data><patch SECTOR_SIZE_IN_BYTES=\"512\" byte_offset=\"88\""
                + " filename=\"DISK\" physical_partition_number=\"0\" size_in_bytes=\"4\" start_sector=\"NUM_DISK_SECTORS-1.\""
                + " value=\"CRC32(NUM_DISK_SECTORS-33.,4096)\" what=\"Update Backup Header with CRC of Partition Array.\" />"
                + "</data>");
        assertThat(FirehoseCodec.decodeCommand(utf8(doc))).isEqualTo(p);
    }

    @Test
    void logAndResponseDocumentsOfSection31() {
        List<FirehoseDeviceMessage> m = FirehoseCodec.decodeDevice(utf8(
                "<?xml version=\"1.0\" encoding=\"UTF-8\" ?><data><log value=\"INFO: Calling handler for configure\"/></data>"
                        + "<data><response value=\"ACK\" rawmode=\"true\"/></data>"));
        assertThat(m).containsExactly(new FirehoseLog("INFO: Calling handler for configure"),
                FirehoseResponse.ack(Map.of("rawmode", "true")));
        assertThat(((FirehoseResponse) m.get(1)).rawMode()).isTrue();
        assertThat(m.get(1)).hasToString("ACK rawmode=true");
    }

    @Test
    void edlAcceptsTrueAsSuccess() {
        FirehoseResponse r = (FirehoseResponse) FirehoseCodec.decodeDevice(utf8("<data><response value=\"true\" /></data>")).get(0);
        assertThat(r.ack()).isTrue();
        assertThat(r.rawMode()).isFalse();
    }

    @Test
    void configureAckWithTheAttributesOfSection33() {
        String doc = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<data>\n<response value=\"ACK\" MemoryName=\"eMMC\""
                + " MinVersionSupported=\"1\" Version=\"1\" MaxPayloadSizeFromTargetInBytes=\"8192\""
                + " MaxPayloadSizeToTargetInBytes=\"1048576\" MaxPayloadSizeToTargetInBytesSupported=\"1048576\""
                + " MaxXMLSizeInBytes=\"4096\" TargetName=\"8974\" /></data>";
        FirehoseResponse r = (FirehoseResponse) FirehoseCodec.decodeDevice(utf8(doc)).get(0);
        assertThat(r.ack()).isTrue();
        assertThat(r.numberAttribute("MaxPayloadSizeToTargetInBytesSupported")).hasValue(1048576);
        assertThat(r.attribute("TargetName")).contains("8974");
        assertThat(new String(FirehoseCodec.encodeDevice(r), StandardCharsets.UTF_8)).isEqualTo(doc);
    }

    @Test
    void nakReasonsFromTheLogsOfSection5() {
        FirehoseResponse tooLarge = nakWith("ERROR: Host's payload to target size is too large");
        assertThat(tooLarge.nakReason()).contains(FirehoseNakReason.PAYLOAD_TOO_LARGE);
        FirehoseResponse sector = nakWith("ERROR: Attribute 'SECTOR_SIZE_IN_BYTES'=4096 must be equal to disk sector size 512");
        assertThat(sector.nakReason()).contains(FirehoseNakReason.SECTOR_SIZE_MISMATCH);
        assertThat(sector.sectorSizeHint()).isEqualTo(OptionalInt.of(512));
        assertThat(nakWith("ERROR: Failed to authenticate Digital Signature.").nakReason())
                .contains(FirehoseNakReason.AUTHENTICATION_REFUSED);
        assertThat(nakWith("ERROR: Not support configure MemoryName eMMC").nakReason())
                .contains(FirehoseNakReason.UNSUPPORTED_MEMORY);
        assertThat(nakWith("something else").nakReason()).contains(FirehoseNakReason.OTHER);
        assertThat(FirehoseResponse.ack(Map.of()).nakReason()).isEmpty();
        assertThat(sector.toString()).startsWith("NAK (sector-size-mismatch) logs [\"ERROR: Attribute");
    }

    private static FirehoseResponse nakWith(String log) {
        String doc = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?><data><log value=\"" + log.replace("'", "&apos;") + "\"/></data>"
                + "<?xml version=\"1.0\" encoding=\"UTF-8\" ?><data><response value=\"NAK\"/></data>";
        List<FirehoseDeviceMessage> m = FirehoseCodec.decodeDevice(utf8(doc));
        assertThat(m.get(0)).isEqualTo(new FirehoseLog(log));
        return ((FirehoseResponse) m.get(1)).withLogs(List.of((FirehoseLog) m.get(0)), List.of());
    }

    @Test
    void logTextIsEscapedAndUnescaped() {
        String json = "{\"storage_info\": {\"total_blocks\": 15269888, \"block_size\": 512}} <&>";
        byte[] doc = FirehoseCodec.encodeDevice(new FirehoseLog(json));
        assertThat(new String(doc, StandardCharsets.UTF_8)).contains("&quot;storage_info&quot;").contains("&lt;&amp;&gt;");
        assertThat(FirehoseCodec.decodeDevice(doc)).containsExactly(new FirehoseLog(json));
        assertThat(FirehoseCodec.decodeDevice(utf8("<data><log value=\"a&#10;b&#x41;\"/></data>")))
                .containsExactly(new FirehoseLog("a\nbA"));
    }

    @Test
    void documentEndFindsSplitsForStreamLinks() {
        byte[] two = utf8("<?xml version=\"1.0\" ?><data><log value=\"x\"/></data><data><response value=\"ACK\"/></data>");
        int first = FirehoseCodec.documentEnd(two, 0, two.length);
        assertThat(new String(two, 0, first, StandardCharsets.UTF_8)).endsWith("<log value=\"x\"/></data>");
        assertThat(FirehoseCodec.documentEnd(two, 0, first - 1)).isEqualTo(-1);
        assertThat(FirehoseCodec.documentEnd(two, 0, 3)).isEqualTo(-1);
        assertThat(FirehoseCodec.documentEnd(two, first, two.length - first)).isEqualTo(two.length);
        assertThatThrownBy(() -> FirehoseCodec.documentEnd(new byte[] {(byte) 0xF0, 1, 2}, 0, 3))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("0xF0");
    }

    @Test
    void refusesWhatIsNotTheSubset() {
        assertThatThrownBy(() -> FirehoseCodec.decodeDevice(utf8("<!DOCTYPE data [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<data><log value=\"&x;\"/></data>"))).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> FirehoseCodec.decodeDevice(utf8("<data><log value=\"&x;\"/></data>")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("predefined");
        assertThatThrownBy(() -> FirehoseCodec.decodeDevice(utf8("<data>text<log value=\"x\"/></data>")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("text content");
        assertThatThrownBy(() -> FirehoseCodec.decodeDevice(utf8("<data><response value=\"MAYBE\"/></data>")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("neither ACK nor NAK");
        assertThatThrownBy(() -> FirehoseCodec.decodeDevice(utf8("<data><log/></data>")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("value");
        assertThatThrownBy(() -> FirehoseCodec.decodeCommand(utf8("<data><program SECTOR_SIZE_IN_BYTES=\"512\"/></data>")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("num_partition_sectors");
        assertThatThrownBy(() -> FirehoseCodec.decodeCommand(utf8("<data><nop/><nop/></data>")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("one command");
        assertThatThrownBy(() -> FirehoseCodec.decodeCommand(utf8("<data><read SECTOR_SIZE_IN_BYTES=\"500\""
                + " num_partition_sectors=\"1\" physical_partition_number=\"0\" start_sector=\"0\"/></data>")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("power of two");
    }

    @Test
    void unknownCommandsSurviveAsOtherCommands() {
        FirehoseCommand c = FirehoseCodec.decodeCommand(utf8("<?xml version=\"1.0\" ?><data><setbootablestoragedrive value=\"1\" /></data>"));
        assertThat(c).isEqualTo(new FirehoseOtherCommand("setbootablestoragedrive", Map.of("value", "1")));
        assertThat(text(c)).isEqualTo("<?xml version=\"1.0\" ?><data><setbootablestoragedrive value=\"1\" /></data>");
    }

    @Test
    void expressions() {
        assertThat(FirehoseExpression.parse("NUM_DISK_SECTORS-33.").evaluate(15269888)).isEqualTo(15269855);
        assertThat(FirehoseExpression.parse("34").evaluate(0)).isEqualTo(34);
        assertThat(FirehoseExpression.parse("NUM_DISK_SECTORS - 34. + 1").evaluate(100)).isEqualTo(67);
        FirehoseExpression crc = FirehoseExpression.parse("CRC32(NUM_DISK_SECTORS-33.,4096)");
        assertThat(crc.isCrc32()).isTrue();
        assertThat(crc.crc32Start(1000)).isEqualTo(967);
        assertThat(crc.crc32Length(1000)).isEqualTo(4096);
        assertThatThrownBy(() -> crc.evaluate(1000)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> FirehoseExpression.parse("NUM_DISK_SECTORS*2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FirehoseExpression.parse("1-")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FirehoseExpression.parse("CRC32(1)")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FirehoseExpression.parse("NUM_DISK_SECTORS-33.").evaluate(10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    }
}
