package dev.lumiaagent.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumiaagent.record.AuditEntry;
import dev.lumiaagent.record.AuditLog;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Bench tests' store until the JDBC store lands: copies records (as a database would), keeps audit lines. */
public final class MemoryRecordStore implements RecordStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, byte[]> jobs = new LinkedHashMap<>();
    private final List<AuditEntry> audit = new ArrayList<>();

    @Override
    public synchronized void save(JobRecord job) {
        try {
            jobs.put(job.jobId, JSON.writeValueAsBytes(job));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized Optional<JobRecord> job(String jobId) {
        byte[] b = jobs.get(jobId);
        try {
            return b == null ? Optional.empty() : Optional.of(JSON.readValue(b, JobRecord.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized List<JobRecord> jobs(String sinceIso) {
        List<JobRecord> out = new ArrayList<>();
        for (String id : jobs.keySet()) {
            JobRecord r = job(id).orElseThrow();
            if (sinceIso == null || r.started.compareTo(sinceIso) >= 0) {
                out.add(r);
            }
        }
        out.sort(Comparator.comparing(r -> r.started));
        return out;
    }

    @Override
    public synchronized Optional<JobRecord> lastOnPort(String port) {
        List<JobRecord> all = jobs(null);
        for (int i = all.size() - 1; i >= 0; i--) {
            if (port.equals(all.get(i).port)) {
                return Optional.of(all.get(i));
            }
        }
        return Optional.empty();
    }

    @Override
    public AuditLog audit() {
        return new AuditLog() {
            @Override
            public AuditEntry append(String station, String operator, String jobId, String port, String event, String detail) {
                synchronized (MemoryRecordStore.this) {
                    AuditEntry e = new AuditEntry(audit.size() + 1, "", station, operator, jobId, port, event, detail, "", "");
                    audit.add(e);
                    return e;
                }
            }

            @Override
            public List<AuditEntry> entries() {
                synchronized (MemoryRecordStore.this) {
                    return List.copyOf(audit);
                }
            }

            @Override
            public AuditVerification verify() {
                return AuditVerification.intact(audit.size());
            }
        };
    }

    @Override
    public String describe() {
        return "memory";
    }

    @Override
    public void close() {
    }
}
