package dev.lumiaagent.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.record.AuditEntry;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a job left for a failing store: synced once, in order, never over a newer record; taken over by a resumed run. */
class UnrecordedJobTest {
    @TempDir
    Path dir;
    private RecordStore store;

    @BeforeEach
    void open() {
        store = RecordStores.open("jdbc:sqlite:" + dir.resolve("records.db"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static JobRecord record(String id, int attempts, String outcome) {
        JobRecord r = new JobRecord();
        r.jobId = id;
        r.port = "1-1.1";
        r.command = "reflash";
        r.started = "2026-12-03T10:00:00Z";
        r.attempts = attempts;
        r.outcome = outcome;
        r.steps.add(new JobRecord.StepRecord(attempts, "write", true, "ok", "2026-12-03T10:01:00Z"));
        return r;
    }

    private static UnrecordedJob.Entry entry(String id, String event, String detail, Instant queued) {
        return new UnrecordedJob.Entry("st", "op", id, "1-1.1", event, detail, queued.toString());
    }

    @Test
    void anAppendThatReachedTheStoreBeforeItFailedIsNotAppendedAgainAndTheRestFollowInOrder() throws Exception {
        String id = JobJournal.newId(Instant.now());
        Instant before = Instant.now().minusSeconds(1);
        UnrecordedJob u = new UnrecordedJob(record(id, 1, "DONE"));
        u.recordSaved = false;
        u.queue(entry(id, "gate", "BATTERY PASSED: 80 %", before));
        u.queue(entry(id, "finished", "DONE: flashed", before));
        // the first one was committed, then the connection dropped: the file says it is uncertain
        AuditEntry reached = store.audit().append("st", "op", id, "1-1.1", "gate", "BATTERY PASSED: 80 %");
        u.uncertain = true;
        u.write(dir);

        List<UnrecordedJob.Synced> synced = UnrecordedJob.sync(dir, store);

        assertThat(synced).singleElement().satisfies(s -> assertThat(s.done()).as(s.what()).isTrue());
        assertThat(UnrecordedJob.file(dir, id)).doesNotExist();
        assertThat(store.audit().entriesOf(id, 0)).extracting(AuditEntry::event).containsExactly("gate", "finished");
        assertThat(store.audit().entriesOf(id, 0).get(0)).isEqualTo(reached);
        assertThat(store.job(id).orElseThrow().outcome).isEqualTo("DONE");
        assertThat(store.audit().verify().ok()).isTrue();
        assertThat(UnrecordedJob.sync(dir, store)).isEmpty();
    }

    @Test
    void aRecordTheStoreHoldsInANewerStateIsKeptAsTheStoreHasIt() throws Exception {
        String id = JobJournal.newId(Instant.now());
        store.save(record(id, 2, "DONE")); // resumed and recorded since
        UnrecordedJob u = new UnrecordedJob(record(id, 1, "INTERRUPTED"));
        u.recordSaved = false;
        u.queue(entry(id, "finished", "INTERRUPTED: stopped", Instant.now()));
        u.write(dir);

        assertThat(UnrecordedJob.sync(dir, store)).singleElement().satisfies(s -> assertThat(s.what()).contains("newer state"));

        JobRecord kept = store.job(id).orElseThrow();
        assertThat(kept.attempts).isEqualTo(2);
        assertThat(kept.outcome).isEqualTo("DONE");
        assertThat(store.audit().entriesOf(id, 0)).extracting(AuditEntry::detail).containsExactly("INTERRUPTED: stopped");
    }

    @Test
    void aResumedRunAppendsWhatItsEarlierRunLeftFirstOnceAndRemovesTheFile() throws Exception {
        String id = JobJournal.newId(Instant.now());
        UnrecordedJob earlier = new UnrecordedJob(record(id, 1, "INTERRUPTED"));
        earlier.recordSaved = false;
        earlier.queue(entry(id, "gate", "BATTERY PASSED: 80 %", Instant.now().minusSeconds(5)));
        earlier.queue(entry(id, "finished", "INTERRUPTED: stopped", Instant.now().minusSeconds(5)));
        earlier.write(dir);
        JobRecord resumed = record(id, 2, null);
        List<String> notes = new CopyOnWriteArrayList<>();
        JobListener bench = new JobListener() {
            @Override
            public void note(String line) {
                notes.add(line);
            }
        };
        StoreRecord records = new StoreRecord(store, Clock.systemUTC(), new JobSettings(1, 0, Duration.ofSeconds(1), "st", "op"),
                resumed, bench, dir);

        records.audit("resumed", "run 2");
        records.finish("DONE", "flashed", null);

        assertThat(store.audit().entriesOf(id, 0)).extracting(AuditEntry::event).containsExactly("gate", "finished", "resumed", "finished");
        assertThat(store.job(id).orElseThrow().attempts).isEqualTo(2);
        assertThat(UnrecordedJob.file(dir, id)).doesNotExist();
        assertThat(Files.list(UnrecordedJob.dir(dir))).isEmpty();
        assertThat(resumed.notRecorded).isNull();
        assertThat(store.audit().verify().ok()).isTrue();
    }
}
