package dev.lumiaagent.fuzz;

import static dev.lumiaagent.fuzz.Fuzz.onlyTypedErrors;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.fuzz.Fuzz.Input;
import dev.lumiaagent.image.ffu.Catalog;
import dev.lumiaagent.image.ffu.FfuFormatException;
import dev.lumiaagent.job.JobFileException;
import dev.lumiaagent.job.JobJournal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import net.jqwik.api.Example;

/**
 * Inputs that once crashed a parser, kept as examples of the fuzz properties' own check
 * ({@link Fuzz#onlyTypedErrors}): a later change that brings a crash back fails here by name, whatever
 * the random tries do. Add each new finding here with its origin (docs/reliability.md).
 */
class FuzzRegressionTest {
    private static final Path JOB_FILE = Path.of(FuzzCorpora.JOB_ID + ".json");

    private static Input in(String origin, byte[] b) {
        return new Input(origin, b);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Found by hand (issue "Step 4 of 7"): Catalog.parse threw ArrayIndexOutOfBoundsException. */
    @Example
    void catalogWithAnEmptySignedData() {
        onlyTypedErrors(in("empty SignedData", FuzzCorpora.EMPTY_SIGNED_DATA), b -> assertThat(Catalog.parse(b).problem()).isPresent());
    }

    /** Found by hand (issue "Step 4 of 7"): Catalog.parse threw NullPointerException. */
    @Example
    void catalogWithAnEmptyIndirectDataSet() {
        onlyTypedErrors(in("empty SPC_INDIRECT_DATA set", FuzzCorpora.EMPTY_INDIRECT_DATA_SET),
                b -> assertThat(Catalog.parse(b).problem()).isPresent());
    }

    /** The same two catalogs inside an otherwise valid FFU: the header parse and the verifier end in values. */
    @Example
    void ffusCarryingThoseCatalogs() {
        for (byte[] cat : new byte[][] {FuzzCorpora.EMPTY_SIGNED_DATA, FuzzCorpora.EMPTY_INDIRECT_DATA_SET}) {
            onlyTypedErrors(in("FFU with a broken catalog", FuzzCorpora.withCatalog(FuzzCorpora.ffus().get(0), cat)), ParserFuzzTest::ffu,
                    FfuFormatException.class);
        }
    }

    /** Found by hand (issue "Step 4 of 7"): a job file holding null made `jobs` and `resume` fail for every job. */
    @Example
    void jobFileHoldingNull() {
        onlyTypedErrors(in("null", utf8("null")), b -> JobJournal.parse(b, JOB_FILE, FuzzCorpora.JOB_ID), JobFileException.class);
    }

    /** Found by hand (issue "Step 4 of 7"): "runs": null and "params": null failed `jobs` and `resume` later (NPE). */
    @Example
    void jobFileWithNullCollections() {
        String json = "{\"id\": \"" + FuzzCorpora.JOB_ID + "\", \"command\": \"info\", \"port\": \"1-4\", \"state\": \"RUNNING\","
                + " \"runs\": null, \"params\": null, \"identity\": null}";
        onlyTypedErrors(in("null collections", utf8(json)), b -> {
            var j = JobJournal.parse(b, JOB_FILE, FuzzCorpora.JOB_ID);
            assertThat(j.runs).isEmpty();
            assertThat(j.params).isEmpty();
            assertThat(j.lastStep()).isEmpty();
        }); // must parse: null collections read as empty, not as an unreadable file
    }

    /** Garbage and a truncated job file are JobFileExceptions naming the file. */
    @Example
    void garbageAndTruncatedJobFiles() {
        for (String s : new String[] {"]]garbage", "{\"id\": \"" + FuzzCorpora.JOB_ID + "\", \"comm", "", "\u0000\u00ff"}) {
            onlyTypedErrors(in("job file " + s, utf8(s)), b -> JobJournal.parse(b, JOB_FILE, FuzzCorpora.JOB_ID), JobFileException.class);
        }
    }
}
