package dev.lumiaagent.fuzz;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lumiaagent.fuzz.Fuzz.Corpus;
import dev.lumiaagent.fuzz.Fuzz.Seed;
import dev.lumiaagent.image.ede.EdeBuilder;
import dev.lumiaagent.image.ffu.BlockSource;
import dev.lumiaagent.image.ffu.ByteArrayChannel;
import dev.lumiaagent.image.ffu.Catalog;
import dev.lumiaagent.image.ffu.DemoDisk;
import dev.lumiaagent.image.ffu.FfuBuilder;
import dev.lumiaagent.image.ffu.FfuImage;
import dev.lumiaagent.image.ffu.FfuParser;
import dev.lumiaagent.image.ffu.Gpt;
import dev.lumiaagent.job.Job;
import dev.lumiaagent.job.JobGate;
import dev.lumiaagent.job.JobIdentity;
import dev.lumiaagent.job.JobRun;
import dev.lumiaagent.job.JobState;
import dev.lumiaagent.job.JobStep;
import dev.lumiaagent.job.RunState;
import dev.lumiaagent.testing.Trace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32;

/** The golden inputs each parser is fuzzed from: the capture corpus (src/test/resources/traces) and the builders. */
final class FuzzCorpora {
    /** The two catalogs that crashed Catalog.parse before the fuzzers (CatalogMalformedTest). */
    static final byte[] EMPTY_SIGNED_DATA = HexFormat.of().parseHex("300f06092a864886f70d010702a0023000");
    static final byte[] EMPTY_INDIRECT_DATA_SET = HexFormat.of().parseHex(
            "303106092a864886f70d010702a02430220201013100301b06092b0601040182370a01300e060a2b0601040182370201043100");

    static final String[] XML_TOKENS = {"<", ">", "/>", "</", "=", "\"", "'", "&", ";", "&amp;", "&lt;", "&#x41;", "&#65;", "&#99999999999;",
        "&#x110000;", "&bogus;", "<!--", "-->", "<?xml version=\"1.0\"?>", "?>", "<![CDATA[", "]]>", "<!DOCTYPE data [<!ENTITY a \"aaaa\">]>",
        "<data>", "</data>", "<response value=\"ACK\" />", "<log value=\"x\" />", "\u0000", "\n", " ", "-1", "0x", "99999999999999999999",
        "NaN", "1e400"};
    static final String[] JSON_TOKENS = {"null", "true", "false", "0", "-1", "1e999", "-0", "99999999999999999999999", "0.5", "\"\"", "\"\\u0000\"",
        "\"\\ud800\"", "[", "]", "{", "}", ",", ":", "\"", "\\", "[]", "{}", "/*", "//", "\u0000", "\uFEFF"};

    // ------------------------------------------------------------------ FFU

    private static List<byte[]> ffus;

    /** Small V1 FFUs from the builder (1 and 2 KiB chunks, one to three platform IDs), and two with broken catalogs. */
    static synchronized List<byte[]> ffus() {
        if (ffus == null) {
            List<byte[]> out = new ArrayList<>();
            Random r = new Random(4);
            int[][] shapes = {{1, 8}, {1, 20}, {2, 6}, {4, 4}};
            for (int[] s : shapes) {
                int c = s[0] * 1024;
                byte[] disk = new byte[s[1] * c];
                for (int b = 1; b < s[1]; b += 2) { // every other block non-zero: several descriptors
                    byte[] x = new byte[c];
                    r.nextBytes(x);
                    System.arraycopy(x, 0, disk, b * c, c);
                }
                List<String> ids = s[1] % 2 == 0 ? List.of("Nokia.MSM8227.P6036.1.2") : List.of("Nokia.MSM8227.P6036.1.2", "Test.*", "X");
                out.add(build(new FfuBuilder().chunkSizeKb(s[0]).platformIds(ids).osVersion("10.0.15063.0"), BlockSource.of(new ByteArrayChannel(disk))));
            }
            out.add(withCatalog(out.get(0), EMPTY_SIGNED_DATA));
            out.add(withCatalog(out.get(0), EMPTY_INDIRECT_DATA_SET));
            ffus = List.copyOf(out);
        }
        return ffus;
    }

    static Corpus ffu() {
        List<Seed> seeds = new ArrayList<>();
        int i = 0;
        for (byte[] f : ffus()) {
            seeds.add(new Seed("ffu#" + i++, f, ffuFields(f)));
        }
        return Corpus.of(seeds);
    }

    /** The offsets of every size, count and version field the FFU parser reads. */
    static int[] ffuFields(byte[] f) {
        FfuImage img;
        try {
            img = FfuParser.parse(new ByteArrayChannel(f));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Integer> at = new ArrayList<>(List.of(0, 0x10, 0x14, 0x18, 0x1C));
        int io = (int) img.imageOffset();
        at.addAll(List.of(io, io + 0x10, io + 0x14));
        int so = (int) img.storeOffset();
        at.addAll(List.of(so, so + 4, so + 6, so + 8, so + 10));
        for (int k = 0xCC; k <= 0xF4; k += 4) {
            at.add(so + k);
        }
        int p = so + 0xF8;
        for (int d = 0; d < img.descriptors().size(); d++) {
            long lc = le32(f, p);
            at.addAll(List.of(p, p + 4, p + 8, p + 12));
            p += 8 + 8 * (int) lc;
        }
        return at.stream().mapToInt(Integer::intValue).toArray();
    }

    static byte[] build(FfuBuilder builder, BlockSource src) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            builder.build(src, Channels.newChannel(out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The FFU with its catalog replaced (CatalogSize updated, the hash table moved up behind it). */
    static byte[] withCatalog(byte[] ffu, byte[] catalog) {
        int c = (int) le32(ffu, 0x10) * 1024;
        int oldCat = (int) le32(ffu, 0x18);
        int ht = (int) le32(ffu, 0x1C);
        int imageOff = (32 + oldCat + ht + c - 1) / c * c;
        byte[] f = ffu.clone();
        byte[] table = Arrays.copyOfRange(ffu, 32 + oldCat, 32 + oldCat + ht);
        Arrays.fill(f, 32, imageOff, (byte) 0);
        System.arraycopy(catalog, 0, f, 32, catalog.length);
        System.arraycopy(table, 0, f, 32 + catalog.length, ht);
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putInt(0x18, catalog.length);
        return f;
    }

    static long le32(byte[] b, int off) {
        return ByteBuffer.wrap(b, off, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFF_FFFFL;
    }

    // ------------------------------------------------------------------ catalog, manifest, GPT

    static Corpus catalog() {
        List<Seed> seeds = new ArrayList<>();
        Random r = new Random(7);
        for (int i = 0; i < 3; i++) {
            byte[] sha1 = new byte[20];
            r.nextBytes(sha1);
            seeds.add(new Seed("unsigned catalog " + i, Catalog.unsignedFor(sha1)));
        }
        for (byte[] f : ffus()) {
            int size = (int) le32(f, 0x18);
            seeds.add(new Seed("catalog of an FFU (" + size + " bytes)", Arrays.copyOfRange(f, 32, 32 + size)));
        }
        seeds.add(new Seed("empty SignedData", EMPTY_SIGNED_DATA));
        seeds.add(new Seed("empty SPC_INDIRECT_DATA set", EMPTY_INDIRECT_DATA_SET));
        // DER tokens: long-form lengths, high tag numbers, an indefinite length, deep nesting starts
        return new Corpus(seeds, List.of(hex("8180"), hex("8201ff"), hex("84ffffffff"), hex("80"), hex("1f8fffffff7f"), hex("3080"),
                hex("30003000"), hex("a000"), hex("3100"), hex("0600"), hex("06098fffffffffffffffff"), hex("0500")), null);
    }

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h);
    }

    static Corpus manifest() {
        List<Seed> seeds = new ArrayList<>();
        List<byte[]> images = new ArrayList<>(ffus().subList(0, 2));
        images.add(build(new FfuBuilder().platformId("Nokia.MSM8227.P6036.1.2").osVersion("10.0.10586.1176"), new DemoDisk(DemoDisk.MIN_SIZE)));
        for (byte[] f : images) {
            try {
                FfuImage img = FfuParser.parse(new ByteArrayChannel(f));
                int at = (int) img.imageOffset() + 24;
                seeds.add(new Seed("manifest (" + img.manifest().partitions().size() + " partitions)",
                        Arrays.copyOfRange(f, at, at + (int) img.imageHeader().manifestLength())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        seeds.add(new Seed("hand-written manifest", ("[FullFlash]\r\nVersion = 2.0\r\nOSVersion = 10.0.10586.0\r\nDevicePlatformId0 = X\r\n\r\n"
                + "[Store]\r\nSectorSize = 512\r\nMinSectorCount = 65536\r\n\r\n[Partition]\r\nName = MainOS\r\nTotalSectors = 4096\r\n"
                + "Type = {ebd0a0a2-b9e5-4433-87c0-68b6b72699c7}\r\n\r\n[Partition]\r\nName = Data\r\nUseAllSpace = true\r\n")
                .getBytes(StandardCharsets.US_ASCII)));
        return Corpus.of(seeds).withTokens("[", "]", "=", "\r\n", "\n", "[Partition]", "[Store]", "[FullFlash]", "Name = ", "TotalSectors = ",
                "UseAllSpace = ", "SectorSize = ", "MinSectorCount = ", "-1", "99999999999999999999", "0x10", "true", "\t", " ");
    }

    static Corpus gpt() {
        List<Seed> seeds = new ArrayList<>();
        List<Gpt.Partition> parts = new ArrayList<>();
        long lba = 64;
        Random r = new Random(9);
        for (String n : new String[] {"EFIESP", "MainOS", "Data", "DPP", "MODEM_FS1"}) {
            long size = 16 + r.nextInt(512);
            parts.add(new Gpt.Partition(n, n.equals("EFIESP") ? Gpt.EFI_SYSTEM : Gpt.BASIC_DATA, new UUID(r.nextLong(), r.nextLong()), lba, lba + size - 1));
            lba += size;
        }
        seeds.add(new Seed("GPT of 5 partitions", Gpt.primary(lba + 64, new UUID(1, 2), parts), gptFields()));
        seeds.add(new Seed("GPT of 1 partition", Gpt.primary(4096, new UUID(3, 4), parts.subList(0, 1)), gptFields()));
        // Mutants get their CRCs recomputed, so the mutation reaches the fields behind the checksums.
        return Corpus.of(seeds).withFixup(FuzzCorpora::fixGptCrcs);
    }

    private static int[] gptFields() {
        // header: size, CRC, LBAs, entries LBA, count, entry size; first entry's LBAs
        return new int[] {512 + 12, 512 + 16, 512 + 24, 512 + 32, 512 + 40, 512 + 48, 512 + 72, 512 + 80, 512 + 84, 1024 + 32, 1024 + 40};
    }

    /** Recomputes the entry-array and header CRC32s of a primary GPT where the header says where they are. */
    static byte[] fixGptCrcs(byte[] b) {
        if (b.length < 1024 || !new String(b, 512, 8, StandardCharsets.ISO_8859_1).equals("EFI PART")) {
            return b;
        }
        long hsize = le32(b, 512 + 12);
        if (hsize < 92 || hsize > 512) {
            return b;
        }
        long entriesLba = ByteBuffer.wrap(b, 512 + 72, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        long count = le32(b, 512 + 80);
        long esize = le32(b, 512 + 84);
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (entriesLba >= 0 && entriesLba < b.length / 512 && count <= b.length && esize <= b.length && count * esize <= b.length - entriesLba * 512) {
            CRC32 crc = new CRC32();
            crc.update(b, (int) entriesLba * 512, (int) (count * esize));
            le.putInt(512 + 88, (int) crc.getValue());
        }
        le.putInt(512 + 16, 0);
        CRC32 crc = new CRC32();
        crc.update(b, 512, (int) hsize);
        le.putInt(512 + 16, (int) crc.getValue());
        return b;
    }

    // ------------------------------------------------------------------ protocols: the capture corpus

    /** Every transfer of every capture of {@code protocol} (both directions, raw data included). */
    static Corpus traces(String protocol) {
        List<Seed> seeds = new ArrayList<>();
        for (Trace t : Trace.of(protocol)) {
            for (Trace.Entry e : t.entries()) {
                if (e.direction() != Trace.Direction.LOG && e.bytes().length > 0) {
                    seeds.add(new Seed(t.name() + ":" + e.line(), e.bytes(), new int[] {4, 8, 12, 16}));
                }
            }
        }
        return Corpus.of(seeds);
    }

    static Corpus rawprogram() {
        List<Seed> seeds = new ArrayList<>();
        for (Trace t : Trace.of("firehose")) {
            if (!t.fileContent().isEmpty()) {
                seeds.add(new Seed(t.name(), t.fileContent().getBytes(StandardCharsets.UTF_8)));
            }
        }
        seeds.add(new Seed("rawprogram (hand-written)", ("<?xml version=\"1.0\" ?>\n<data>\n"
                + "<program SECTOR_SIZE_IN_BYTES=\"512\" file_sector_offset=\"0\" filename=\"gpt_main0.bin\" label=\"PrimaryGPT\""
                + " num_partition_sectors=\"34\" physical_partition_number=\"0\" start_sector=\"0\" start_byte_hex=\"0x0\" />\n"
                + "<program SECTOR_SIZE_IN_BYTES=\"512\" filename=\"\" label=\"DPP\" num_partition_sectors=\"16384\""
                + " physical_partition_number=\"0\" start_sector=\"NUM_DISK_SECTORS-33.\" />\n</data>\n").getBytes(StandardCharsets.UTF_8)));
        seeds.add(new Seed("patch (hand-written)", ("<?xml version=\"1.0\" ?>\n<data>\n"
                + "<patch SECTOR_SIZE_IN_BYTES=\"512\" byte_offset=\"48\" filename=\"DISK\" physical_partition_number=\"0\" size_in_bytes=\"8\""
                + " start_sector=\"1\" value=\"NUM_DISK_SECTORS-34.\" what=\"Update last partition\" />\n"
                + "<patch SECTOR_SIZE_IN_BYTES=\"512\" byte_offset=\"88\" filename=\"DISK\" physical_partition_number=\"0\" size_in_bytes=\"4\""
                + " start_sector=\"1\" value=\"CRC32(2,4096)\" what=\"Update CRC32\" />\n</data>\n").getBytes(StandardCharsets.UTF_8)));
        return Corpus.of(seeds).withTokens(XML_TOKENS).withTokens("<program ", "<patch ", "SECTOR_SIZE_IN_BYTES=\"", "start_sector=\"",
                "num_partition_sectors=\"", "physical_partition_number=\"", "filename=\"", "value=\"", "byte_offset=\"", "size_in_bytes=\"",
                "NUM_DISK_SECTORS-", "NUM_DISK_SECTORS-34.", "CRC32(", "CRC32(2,-1)", "4096", "0", ".", "*");
    }

    static Corpus firehose() {
        return traces("firehose").withTokens(XML_TOKENS).withTokens("<configure ", "<program ", "<read ", "MaxPayloadSizeToTargetInBytes=\"",
                "num_partition_sectors=\"", "rawmode=\"true\"", "value=\"NAK\"");
    }

    static Corpus ncsd() {
        List<Seed> seeds = new ArrayList<>(traces("ncsd").seeds());
        com.fasterxml.jackson.databind.node.JsonNodeFactory f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        // The two request forms of NcsdCodecTest (WPinternals, LSU) and the codec's own requests and responses in every framing and style.
        seeds.add(new Seed("WPinternals ReadProductCode",
                "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"ReadProductCode\",\"params\":{\"MessageVersion\":0}}".getBytes(StandardCharsets.US_ASCII)));
        seeds.add(new Seed("LSU SetDeviceMode", ("{\"jsonrpc\": \"2.0\", \"id\": 2,\"method\": \"SetDeviceMode\", \"params\": "
                + "{\"MessageVersion\": 0, \"DeviceMode\": \"Flash\"}}").getBytes(StandardCharsets.US_ASCII)));
        dev.lumiaagent.protocol.ncsd.NcsdRequest req = dev.lumiaagent.protocol.ncsd.NcsdRequest.of(7, "ReadDeviceInfo", f.objectNode().put("Key", "X"));
        for (dev.lumiaagent.protocol.ncsd.NcsdCodec.Framing fr : dev.lumiaagent.protocol.ncsd.NcsdCodec.Framing.values()) {
            seeds.add(new Seed("request " + fr, dev.lumiaagent.protocol.ncsd.NcsdCodec.encodeRequest(req, fr)));
        }
        com.fasterxml.jackson.databind.node.ObjectNode result = f.objectNode().put("ProductCode", "059Q9D7");
        result.putArray("Bytes").add(1).add(2).add(255);
        result.putObject("Nested").put("Level", 80);
        for (dev.lumiaagent.protocol.ncsd.NcsdCodec.ResponseStyle st : dev.lumiaagent.protocol.ncsd.NcsdCodec.ResponseStyle.values()) {
            seeds.add(new Seed("result " + st, dev.lumiaagent.protocol.ncsd.NcsdCodec.encodeResponse(
                    dev.lumiaagent.protocol.ncsd.NcsdResponse.ofResult(com.fasterxml.jackson.databind.node.LongNode.valueOf(4), result), st)));
            seeds.add(new Seed("error " + st, dev.lumiaagent.protocol.ncsd.NcsdCodec.encodeResponse(
                    dev.lumiaagent.protocol.ncsd.NcsdResponse.ofError(com.fasterxml.jackson.databind.node.LongNode.valueOf(5),
                            new dev.lumiaagent.protocol.ncsd.NcsdError(-32601, "Method not found")), st)));
        }
        return Corpus.of(seeds).withTokens(JSON_TOKENS).withTokens("\"jsonrpc\"", "\"2.0\"", "\"id\"", "\"method\"", "\"params\"", "\"result\"",
                "\"error\"", "\"code\"", "\"message\"", "\r\n", "Content-Length: ", "Content-Length: 99999999999\r\n\r\n");
    }

    static Corpus nok() {
        List<Seed> seeds = new ArrayList<>(traces("nok").seeds());
        // NOKXFS flash messages (none in the captures): a header message and both payload layouts.
        byte[] data = new byte[200];
        new Random(11).nextBytes(data);
        seeds.add(new Seed("NOKXFS header", dev.lumiaagent.protocol.flashapp.NokCodec.encode(new dev.lumiaagent.protocol.flashapp.NokRequest.NokFlashHeader(
                0, java.util.EnumSet.allOf(dev.lumiaagent.protocol.flashapp.FlashOption.class), ByteBuffer.wrap(data))), new int[] {6, 8, 10, 12, 14, 16}));
        for (dev.lumiaagent.protocol.flashapp.NokFlashLayout l : new dev.lumiaagent.protocol.flashapp.NokFlashLayout[] {
            dev.lumiaagent.protocol.flashapp.NokFlashLayout.PAYLOAD_V1, dev.lumiaagent.protocol.flashapp.NokFlashLayout.PAYLOAD_V2}) {
            seeds.add(new Seed("NOKXFS " + l, dev.lumiaagent.protocol.flashapp.NokCodec.encode(new dev.lumiaagent.protocol.flashapp.NokRequest.NokFlashPayload(
                    l, 50, 0, ByteBuffer.wrap(data))), new int[] {6, 8, 10, 12, 14, 16, 18, 20}));
        }
        return Corpus.of(seeds).withTokens("NOKV", "NOKI", "NOKD", "NOKR", "NOKU", "NOKX", "NOKXFR", "NOKXFS", "NOKF", "NOKC", "\u0000\u0000",
                "\u00ff\u00ff\u00ff\u00ff");
    }

    static Corpus sahara() {
        return traces("sahara");
    }

    // ------------------------------------------------------------------ ELF programmers

    static Corpus elf() {
        List<Seed> seeds = new ArrayList<>();
        int[] f32 = {0x10, 0x12, 0x18, 0x1C, 0x20, 0x28, 0x2A, 0x2C, 0x2E, 0x30, 0x32, 0x34 + 4, 0x34 + 16, 0x34 + 32 + 4, 0x34 + 32 + 16,
            0x34 + 64 + 4, 0x34 + 64 + 16};
        int[] f64 = {0x10, 0x12, 0x18, 0x20, 0x28, 0x34, 0x36, 0x38, 0x3A, 0x3C, 0x3E, 0x40 + 8, 0x40 + 32, 0x40 + 56 + 8, 0x40 + 56 + 32,
            0x40 + 112 + 8, 0x40 + 112 + 32};
        seeds.add(new Seed("ELF32 programmer", EdeBuilder.forPlatform("Microsoft.MSM8926.P6210.1.0").build(), f32));
        seeds.add(new Seed("ELF64 programmer", EdeBuilder.forPlatform("Microsoft.MSM8926.P6210.1.0").elf64(true).build(), f64));
        seeds.add(new Seed("ELF32 programmer, 2 segments", EdeBuilder.forPlatform("Nokia.MSM8227.P6036.1.2")
                .segments(List.of(new byte[300], "segment two".getBytes(StandardCharsets.US_ASCII))).build(), f32));
        return Corpus.of(seeds);
    }

    // ------------------------------------------------------------------ JSON files: bench and job

    static Corpus bench() {
        String[] benches = {
            "{\"clockSpeed\": 120, \"phones\": [{\"port\": \"1-1\", \"model\": \"Lumia 950\", \"mode\": \"uefi\", \"battery\": 40},"
                + "{\"port\": \"1-2.1\", \"model\": \"rm914\", \"mode\": \"normal\", \"faults\": [\"dead-battery\"], \"link\": \"stream\"}]}",
            "{\"clockSpeed\": 1, \"phones\": [{\"port\": \"1-1\", \"model\": \"RM-1104\", \"mode\": \"flash\", \"writeRateKiBs\": 8192, \"storage\": \"digest\"},"
                + "{\"port\": \"1-2\", \"model\": \"RM-1104\"}]}",
            "{\"phones\": [{\"port\": \"1-5\", \"model\": \"RM-914\", \"mode\": \"normal\"}, {\"port\": \"1-6\", \"model\": \"RM-1104\", \"mode\": \"normal\"},"
                + "{\"port\": \"1-7\", \"model\": \"RM-1045\", \"mode\": \"normal\"}]}",
        };
        List<Seed> seeds = new ArrayList<>();
        for (int i = 0; i < benches.length; i++) {
            seeds.add(new Seed("bench#" + i, benches[i].getBytes(StandardCharsets.UTF_8)));
        }
        return Corpus.of(seeds).withTokens(JSON_TOKENS).withTokens("\"phones\"", "\"port\"", "\"model\"", "\"mode\"", "\"faults\"", "\"battery\"",
                "\"link\"", "\"clockSpeed\"", "\"writeRateKiBs\"", "\"storage\"", "\"imei\"", "\"1-1\"", "\"edl\"", "\"stream\"");
    }

    static final String JOB_ID = "20250301-100000-000-abcdef";

    static Corpus job() {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        List<Seed> seeds = new ArrayList<>();
        Job fresh = job("info", JobState.RUNNING);
        Job done = job("reflash", JobState.FAILED);
        done.params.put("ffu", List.of("/x/rm1104.ffu"));
        done.params.put("consent", List.of("--yes"));
        done.identity = new JobIdentity("356938035643809", "ABCD", "USB4");
        done.reason = "PHONE_LEFT";
        done.nextStep = "Replug it.";
        for (RunState s : new RunState[] {RunState.INTERRUPTED, RunState.FAILED}) {
            JobRun r = new JobRun();
            r.started = "2025-03-01T10:00:01Z";
            r.startMode = "NORMAL";
            r.plan = new ArrayList<>(List.of("VerifyFfu", "WriteChunks"));
            r.steps.add(new JobStep("VerifyFfu", true, "4 chunks verified", "2025-03-01T10:00:02Z"));
            r.gates.add(new JobGate("FFU_INTEGRITY", "PASSED", "4 chunks verified", false));
            r.currentStep = s == RunState.INTERRUPTED ? "WriteChunks" : null;
            r.state = s;
            done.runs.add(r);
        }
        try {
            seeds.add(new Seed("job (new)", json.writeValueAsBytes(fresh)));
            seeds.add(new Seed("job (two runs)", json.writeValueAsBytes(done)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Corpus.of(seeds).withTokens(JSON_TOKENS).withTokens("\"runs\"", "\"params\"", "\"steps\"", "\"gates\"", "\"plan\"", "\"state\"",
                "\"RUNNING\"", "\"DONE\"", "\"identity\"", "\"id\"", "\"port\"", "\"command\"", "\"created\"", "\"updated\"", "\"2025-13-45T99:99:99Z\"");
    }

    private static Job job(String command, JobState state) {
        Job j = new Job();
        j.id = JOB_ID;
        j.command = command;
        j.port = "1-4.2";
        j.state = state;
        j.created = "2025-03-01T10:00:00Z";
        j.updated = "2025-03-01T10:05:00Z";
        return j;
    }

    private FuzzCorpora() {
    }
}
