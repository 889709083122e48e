package dev.lumiaagent.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.protocol.firehose.FirehoseCodec;
import dev.lumiaagent.protocol.firehose.FirehoseCommand;
import dev.lumiaagent.protocol.firehose.FirehoseConfiguration;
import dev.lumiaagent.protocol.firehose.FirehoseDeviceMessage;
import dev.lumiaagent.protocol.firehose.FirehoseLog;
import dev.lumiaagent.protocol.firehose.FirehoseNakReason;
import dev.lumiaagent.protocol.firehose.FirehoseResponse;
import dev.lumiaagent.protocol.firehose.FirehoseResult;
import dev.lumiaagent.protocol.firehose.FirehoseSession;
import dev.lumiaagent.protocol.firehose.RawPatchEntry;
import dev.lumiaagent.protocol.firehose.RawProgramEntry;
import dev.lumiaagent.protocol.firehose.RawProgramSet;
import dev.lumiaagent.testing.ScriptedLink;
import dev.lumiaagent.testing.Trace;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Firehose client defects that real programmers and real build files showed (issue #13), each driven by
 * the capture that shows it (failing before the fix).
 */
class FirehoseCaptureGoldenTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A file excerpt from a capture with its "..." elision lines left out. */
    private static byte[] fileExcerpt(Trace t) {
        return utf8(t.fileContent().lines().filter(l -> !l.strip().startsWith("...")).collect(Collectors.joining("\n")));
    }

    /** Defect 3: a real QFIL/qdl patch file has the root {@code <patches>} (traces/firehose/022, a Nokia E2M build). */
    @Test
    void aRealPatchFileWithThePatchesRootIsRead() {
        Trace t = Trace.load("firehose/022");
        List<RawPatchEntry> patches = RawProgramSet.parsePatches("patch0.xml", fileExcerpt(t));
        assertThat(patches).hasSize(7);
        // A patch is there for the host-side image (gpt_main0.bin) and for the disk; only DISK goes to the phone.
        assertThat(patches.stream().filter(p -> p.targetsDisk()).count()).isEqualTo(6);
        assertThat(patches.get(3).toString()).contains("CRC32");
    }

    /** Defect 3: a real rawprogram file (firehose/021, Nokia E2M; firehose/023, a UFS build with 4096-byte sectors). */
    @Test
    void realRawprogramFilesAreRead() {
        List<RawProgramEntry> e2m = RawProgramSet.parsePrograms("rawprogram0.xml", fileExcerpt(Trace.load("firehose/021")));
        assertThat(e2m).isNotEmpty();
        assertThat(e2m).extracting(RawProgramEntry::label).contains("modem", "aboot");
        assertThat(e2m.stream().filter(e -> e.filename().isEmpty()).count()).as("filename=\"\" entries are kept and skipped when written").isPositive();
        Trace ufs = Trace.load("firehose/023");
        String whole = new String(fileExcerpt(ufs), StandardCharsets.UTF_8);
        // the excerpt ends inside an element: close the root where the source's text stops being whole
        String closed = whole.substring(0, whole.lastIndexOf("/>") + 2) + "\n</data>";
        List<RawProgramEntry> lun1 = RawProgramSet.parsePrograms("rawprogram1.xml", utf8(closed));
        assertThat(lun1).isNotEmpty();
        assertThat(lun1.get(0).sectorSize()).isEqualTo(4096);
        assertThat(lun1.get(0).physicalPartition()).isEqualTo(1);
    }

    /**
     * Defect 4: whitespace between one document's {@code </data>} and the next {@code <?xml}: libxml2-based
     * hosts end each document with a newline (qdl's documents in firehose/001, 002). Our programmer side
     * (the simulator decodes host commands with FirehoseCodec) and our host side both tolerate it.
     */
    @Test
    void aHostDocumentEndingInANewlineAndTheNextOneAreBothRead() {
        byte[] qdlConfigure = Trace.load("firehose/002").transfers().get(0).bytes();
        assertThat(new String(qdlConfigure, StandardCharsets.UTF_8)).endsWith("</data>\n");
        FirehoseCommand c = FirehoseCodec.decodeCommand(qdlConfigure);
        assertThat(c.element()).isEqualTo("configure");
        byte[] qdlProgram = Trace.load("firehose/001").transfers().stream().filter(Trace.Entry::fromHost).findFirst().orElseThrow().bytes();
        // a stream link hands over the newline of the first document together with the second
        byte[] secondWithLeadingNewline = concat(utf8("\n"), qdlProgram);
        assertThat(FirehoseCodec.decodeCommand(secondWithLeadingNewline).element()).isEqualTo("program");
    }

    @ParameterizedTest(name = "packet link: {0}")
    @ValueSource(booleans = {true, false})
    void deviceDocumentsWithNewlinesBetweenThemAreReadByTheSession(boolean packet) {
        Trace t = Trace.load("firehose/001");
        List<byte[]> docs = t.transfers().stream().filter(Trace.Entry::fromDevice).map(Trace.Entry::bytes).limit(3).collect(Collectors.toList());
        ScriptedLink l = new ScriptedLink(packet, packet ? 1 : 7);
        if (packet) {
            docs.forEach(d -> l.device(concat(d, utf8("\n"))));
        } else {
            l.device(concat(concat(docs.get(0), utf8("\n")), concat(concat(docs.get(1), utf8("\r\n")), docs.get(2))));
        }
        FirehoseResult<FirehoseConfiguration> r = new FirehoseSession(l).configure("UFS", 1048576);
        assertThat(r.isOk()).as(r.toString()).isTrue();
        assertThat(r.response().logs()).extracting(FirehoseLog::text)
                .containsExactly("INFO: Calling handler for configure", "INFO: Storage type set to value UFS");
        // the real ACK has no MaxPayloadSizeFromTargetInBytes and no TargetName: defaults are used
        assertThat(r.orElseThrow().maxPayloadToTarget()).isEqualTo(1048576);
    }

    /** Defect 5: a NAK naming the disk's sector size, also one we would not try (NAND 2048; bkerler/edl#714, firehose/013). */
    @Test
    void aNakNamingTheDisksSectorSizeIsUnderstood() {
        List<FirehoseDeviceMessage> m = new ArrayList<>();
        for (Trace.Entry e : Trace.load("firehose/013").transfers()) {
            m.addAll(FirehoseCodec.decodeDevice(e.bytes()));
        }
        List<FirehoseLog> logs = m.stream().filter(x -> x instanceof FirehoseLog).map(x -> (FirehoseLog) x).collect(Collectors.toList());
        FirehoseResponse nak = new FirehoseResponse(false, Map.of(), logs, List.of());
        assertThat(nak.nakReason()).contains(FirehoseNakReason.SECTOR_SIZE_MISMATCH);
        assertThat(nak.sectorSizeHint()).hasValue(2048);
        // the other real wordings (firehose/001: "device sector size (4096)", firehose/009: "disk sector size 512")
        assertThat(refusal(Trace.load("firehose/001")).sectorSizeHint()).hasValue(4096);
        assertThat(refusal(Trace.load("firehose/009")).sectorSizeHint()).hasValue(512);
    }

    @ParameterizedTest(name = "packet link: {0}")
    @ValueSource(booleans = {true, false})
    void probingTriesTheSectorSizeANakNamesEvenWhenItIsNeither512Nor4096(boolean packet) {
        ScriptedLink l = new ScriptedLink(packet, packet ? 1 : 64);
        l.afterWrite(1, utf8("<?xml version=\"1.0\" encoding=\"UTF-8\" ?><data><response value=\"ACK\" MemoryName=\"NAND\" "
                + "MaxPayloadSizeToTargetInBytes=\"1048576\" /></data>"));
        // the read with 512-byte sectors: the NAND programmer's real refusal (firehose/013)
        l.afterWrite(2, Trace.load("firehose/013").transfers().get(1).bytes(),
                utf8("<?xml version=\"1.0\" encoding=\"UTF-8\" ?><data><response value=\"NAK\" rawmode=\"false\" /></data>"));
        l.afterWrite(3, utf8("<?xml version=\"1.0\" encoding=\"UTF-8\" ?><data><response value=\"ACK\" rawmode=\"true\" /></data>"),
                new byte[2048],
                utf8("<?xml version=\"1.0\" encoding=\"UTF-8\" ?><data><response value=\"ACK\" rawmode=\"false\" /></data>"));
        FirehoseSession s = new FirehoseSession(l);
        assertThat(s.configure("NAND", 1048576).isOk()).isTrue();
        FirehoseResult<Integer> probe = s.probeSectorSize(0);
        assertThat(probe.isOk()).as(probe.toString()).isTrue();
        assertThat(s.sectorSize()).isEqualTo(2048);
        // 512 refused naming 2048, so 2048 is tried next, before 4096
        assertThat(new String(l.written.get(2), StandardCharsets.UTF_8)).contains("SECTOR_SIZE_IN_BYTES=\"2048\"");
    }

    /** Defect 6: "ERROR: Verifying signature failed with 3" is an authentication refusal (firehose/008, a VIP programmer). */
    @Test
    void aSignatureFailureIsAnAuthenticationRefusal() {
        FirehoseResponse nak = refusal(Trace.load("firehose/008"));
        assertThat(nak.nakReason()).contains(FirehoseNakReason.AUTHENTICATION_REFUSED);
        FirehoseResponse onlyTheFirst = new FirehoseResponse(false, Map.of(), List.of(new FirehoseLog("ERROR: Verifying signature failed with 3")), List.of());
        assertThat(onlyTheFirst.nakReason()).contains(FirehoseNakReason.AUTHENTICATION_REFUSED);
    }

    /** Defect 7: attribute names in the case real programmers write them, e.g. MaxPayloadSizeFromTargetInbytes. */
    @ParameterizedTest(name = "packet link: {0}")
    @ValueSource(booleans = {true, false})
    void attributeNamesAreMatchedWhateverTheirCase(boolean packet) {
        ScriptedLink l = new ScriptedLink(packet, packet ? 1 : 9);
        l.device(utf8("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<data>\n<response value=\"ACK\" MemoryName=\"eMMC\" "
                + "MaxPayloadSizeFromTargetInbytes=\"16384\" MaxPayloadSizeToTargetInBytes=\"1048576\" "
                + "MaxXMLSizeInbytes=\"8192\" /></data>"));
        FirehoseResult<FirehoseConfiguration> r = new FirehoseSession(l).configure("eMMC", 1048576);
        assertThat(r.orElseThrow().maxPayloadFromTarget()).isEqualTo(16384); // not the default
        assertThat(r.orElseThrow().maxXmlSize()).isEqualTo(8192);
    }

    /** The capture's device logs as one refusal. */
    private static FirehoseResponse refusal(Trace t) {
        List<FirehoseLog> logs = new ArrayList<>();
        for (Trace.Entry e : t.transfers()) {
            if (e.fromDevice() && e.text()) {
                FirehoseCodec.decodeDevice(e.bytes()).stream().filter(x -> x instanceof FirehoseLog).forEach(x -> logs.add((FirehoseLog) x));
            }
        }
        return new FirehoseResponse(false, Map.of(), logs, List.of());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(a);
        o.writeBytes(b);
        return o.toByteArray();
    }
}
