package dev.lumiaagent.fuzz;

import static dev.lumiaagent.fuzz.Fuzz.onlyTypedErrors;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.fuzz.Fuzz.Corpus;
import dev.lumiaagent.fuzz.Fuzz.Input;
import dev.lumiaagent.image.ede.EdeFormatException;
import dev.lumiaagent.image.ede.EdeImage;
import dev.lumiaagent.image.ede.EdeParser;
import dev.lumiaagent.image.ffu.ByteArrayChannel;
import dev.lumiaagent.image.ffu.Catalog;
import dev.lumiaagent.image.ffu.FfuFormatException;
import dev.lumiaagent.image.ffu.FfuImage;
import dev.lumiaagent.image.ffu.FfuParser;
import dev.lumiaagent.image.ffu.FfuProgress;
import dev.lumiaagent.image.ffu.FfuVerifier;
import dev.lumiaagent.image.ffu.Gpt;
import dev.lumiaagent.image.ffu.Manifest;
import dev.lumiaagent.job.Job;
import dev.lumiaagent.job.JobFileException;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.protocol.firehose.FirehoseCodec;
import dev.lumiaagent.protocol.firehose.RawProgramException;
import dev.lumiaagent.protocol.firehose.RawProgramSet;
import dev.lumiaagent.protocol.flashapp.NokCodec;
import dev.lumiaagent.protocol.ncsd.NcsdCodec;
import dev.lumiaagent.protocol.sahara.SaharaCodec;
import dev.lumiaagent.protocol.wire.ProtocolException;
import dev.lumiaagent.sim.BenchSpec;
import dev.lumiaagent.sim.BenchSpecException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;

/**
 * One fuzz property per parser of untrusted bytes (docs/reliability.md, "Fuzzing"): seeded from the
 * capture corpus and the builders, mutated (bit flips, truncation, insertion, deletion, duplication,
 * length-field corruption, format tokens, splices) or random. The parser returns, or throws its typed
 * error with a message; anything else — AIOOBE, NPE, NegativeArraySize, ClassCast, StackOverflow,
 * OutOfMemory — fails, as does allocating more than {@link Fuzz#allocationBound} of the input size.
 * {@value Fuzz#DEFAULT_TRIES} tries each; {@code -Dfuzz.tries=N} for a long run.
 */
@AddLifecycleHook(FuzzTries.class)
class ParserFuzzTest {
    private static final Corpus FFU = FuzzCorpora.ffu();
    private static final Corpus CATALOG = FuzzCorpora.catalog();
    private static final Corpus MANIFEST = FuzzCorpora.manifest();
    private static final Corpus GPT = FuzzCorpora.gpt();
    private static final Corpus SAHARA = FuzzCorpora.sahara();
    private static final Corpus FIREHOSE = FuzzCorpora.firehose();
    private static final Corpus RAWPROGRAM = FuzzCorpora.rawprogram();
    private static final Corpus NOK = FuzzCorpora.nok();
    private static final Corpus NCSD = FuzzCorpora.ncsd();
    private static final Corpus ELF = FuzzCorpora.elf();
    private static final Corpus BENCH = FuzzCorpora.bench();
    private static final Corpus JOB = FuzzCorpora.job();

    // ------------------------------------------------------------------ images

    /** FfuParser (security header, catalog, hash table, image header, manifest, store header, descriptors), then the verifier. */
    @Property(shrinking = ShrinkingMode.OFF)
    void ffuHeaders(@ForAll("ffuInputs") Input in) {
        onlyTypedErrors(in, ParserFuzzTest::ffu, FfuFormatException.class);
    }

    static void ffu(byte[] b) throws Exception {
        ByteArrayChannel ch = new ByteArrayChannel(b);
        FfuImage img = FfuParser.parse(ch);
        img.toString();
        FfuVerifier.verify(ch, img, FfuProgress.NONE);
        FfuParser.parseCombinedHeader(ByteBuffer.wrap(b, 0, (int) img.payloadOffset()));
    }

    /** Catalog.parse over Der: never throws; what it cannot read is its problem (a value, see CatalogMalformedTest). */
    @Property(shrinking = ShrinkingMode.OFF)
    void catalogDer(@ForAll("catalogInputs") Input in) {
        onlyTypedErrors(in, b -> {
            Catalog c = Catalog.parse(b);
            assertThat(c.hashTableDigest().isPresent() || c.problem().isPresent()).as("a digest or a problem").isTrue();
            Statistics.label("catalog").collect(c.hashTableDigest().isPresent() ? "digest found" : "problem");
            c.toString();
        });
    }

    /** Manifest.parse of any text (the FFU parser only passes printable ASCII; this passes every Latin-1 char). */
    @Property(shrinking = ShrinkingMode.OFF)
    void manifest(@ForAll("manifestInputs") Input in) {
        onlyTypedErrors(in, b -> {
            Manifest m = Manifest.parse(in.text());
            m.partitions();
            m.osVersion();
            m.minSectorCount();
            m.toString();
        });
    }

    /** Gpt.read: a valid primary GPT or empty (mutants get their CRCs fixed, so they reach the entries). */
    @Property(shrinking = ShrinkingMode.OFF)
    void gpt(@ForAll("gptInputs") Input in) {
        onlyTypedErrors(in, b -> {
            Optional<java.util.List<Gpt.Partition>> parts = Gpt.read(b);
            parts.ifPresent(p -> p.forEach(Object::toString));
            Statistics.label("GPT").collect(parts.isPresent() ? "partitions read" : "no valid GPT");
        });
    }

    /** EdeParser: an emergency programmer's ELF (32 and 64 bit), hash segment and certificates. */
    @Property(shrinking = ShrinkingMode.OFF)
    void elf(@ForAll("elfInputs") Input in) {
        onlyTypedErrors(in, b -> {
            EdeImage img = EdeParser.parse(b);
            img.toString();
        }, EdeFormatException.class);
    }

    // ------------------------------------------------------------------ protocols

    /** SaharaCodec.decode and packetLength (the stream framer's question). */
    @Property(shrinking = ShrinkingMode.OFF)
    void saharaPackets(@ForAll("saharaInputs") Input in) {
        onlyTypedErrors(in, b -> SaharaCodec.decode(b).toString(), ProtocolException.class);
        onlyTypedErrors(in, b -> SaharaCodec.packetLength(b, b.length), ProtocolException.class);
    }

    /** FirehoseCodec: commands (what a simulated programmer reads), device messages (what the host reads), document framing. */
    @Property(shrinking = ShrinkingMode.OFF)
    void firehoseXml(@ForAll("firehoseInputs") Input in) {
        onlyTypedErrors(in, b -> FirehoseCodec.decodeCommand(b).toString(), ProtocolException.class);
        onlyTypedErrors(in, b -> FirehoseCodec.decodeDevice(b).forEach(Object::toString), ProtocolException.class);
        onlyTypedErrors(in, b -> FirehoseCodec.documentEnd(b, 0, b.length), ProtocolException.class);
    }

    /** RawProgramSet: rawprogram*.xml and patch*.xml as a technician hands them over. */
    @Property(shrinking = ShrinkingMode.OFF)
    void rawprogramAndPatch(@ForAll("rawprogramInputs") Input in) {
        onlyTypedErrors(in, b -> RawProgramSet.parsePrograms("fuzz.xml", b).forEach(Object::toString), RawProgramException.class);
        onlyTypedErrors(in, b -> RawProgramSet.parsePatches("fuzz.xml", b).forEach(Object::toString), RawProgramException.class);
    }

    /** NokCodec: requests, replies, reply framing, flash (NOKXFS) messages. */
    @Property(shrinking = ShrinkingMode.OFF)
    void nok(@ForAll("nokInputs") Input in) {
        onlyTypedErrors(in, b -> NokCodec.decodeRequest(b).toString(), ProtocolException.class);
        onlyTypedErrors(in, b -> NokCodec.decodeReply(b).toString(), ProtocolException.class);
        onlyTypedErrors(in, b -> NokCodec.replyLength(b, b.length), ProtocolException.class);
        onlyTypedErrors(in, b -> NokCodec.decodeFlash(ByteBuffer.wrap(b)).toString(), ProtocolException.class);
        onlyTypedErrors(in, NokCodec::knownRequestSignature, ProtocolException.class);
    }

    /** NcsdCodec: JSON-RPC requests and responses (Content-Length framed or bare). */
    @Property(shrinking = ShrinkingMode.OFF)
    void ncsd(@ForAll("ncsdInputs") Input in) {
        onlyTypedErrors(in, b -> NcsdCodec.decodeRequest(b).toString(), ProtocolException.class);
        onlyTypedErrors(in, b -> NcsdCodec.decodeResponse(b).toString(), ProtocolException.class);
    }

    // ------------------------------------------------------------------ files the agent reads back

    /** BenchSpec: a bench file (JSON); its error is BenchSpecException with the reason. */
    @Property(shrinking = ShrinkingMode.OFF)
    void benchJson(@ForAll("benchInputs") Input in) {
        onlyTypedErrors(in, b -> BenchSpec.parse(b).toString(), BenchSpecException.class);
    }

    /** JobJournal.parse: a job file; unreadable is JobFileException, and a job read has no null collection. */
    @Property(shrinking = ShrinkingMode.OFF)
    void jobFile(@ForAll("jobInputs") Input in) {
        onlyTypedErrors(in, b -> {
            Job j = JobJournal.parse(b, Path.of(FuzzCorpora.JOB_ID + ".json"), FuzzCorpora.JOB_ID);
            assertThat(j.params).isNotNull();
            assertThat(j.runs).isNotNull().doesNotContainNull();
            assertThat(j.identity).isNotNull();
            j.runs.forEach(r -> assertThat(r.plan != null && r.steps != null && r.gates != null).isTrue());
            j.lastStep();
            j.currentRun();
            j.params.keySet().forEach(j::paramList);
        }, JobFileException.class);
    }

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<Input> ffuInputs() {
        return Fuzz.inputs(FFU);
    }

    @Provide
    Arbitrary<Input> catalogInputs() {
        return Fuzz.inputs(CATALOG);
    }

    @Provide
    Arbitrary<Input> manifestInputs() {
        return Fuzz.inputs(MANIFEST);
    }

    @Provide
    Arbitrary<Input> gptInputs() {
        return Fuzz.inputs(GPT);
    }

    @Provide
    Arbitrary<Input> elfInputs() {
        return Fuzz.inputs(ELF);
    }

    @Provide
    Arbitrary<Input> saharaInputs() {
        return Fuzz.inputs(SAHARA);
    }

    @Provide
    Arbitrary<Input> firehoseInputs() {
        return Fuzz.inputs(FIREHOSE);
    }

    @Provide
    Arbitrary<Input> rawprogramInputs() {
        return Fuzz.inputs(RAWPROGRAM);
    }

    @Provide
    Arbitrary<Input> nokInputs() {
        return Fuzz.inputs(NOK);
    }

    @Provide
    Arbitrary<Input> ncsdInputs() {
        return Fuzz.inputs(NCSD);
    }

    @Provide
    Arbitrary<Input> benchInputs() {
        return Fuzz.inputs(BENCH);
    }

    @Provide
    Arbitrary<Input> jobInputs() {
        return Fuzz.inputs(JOB);
    }
}
