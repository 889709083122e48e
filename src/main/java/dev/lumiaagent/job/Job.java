package dev.lumiaagent.job;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One job as its file holds it: what was asked (command and the parameters needed to run it again),
 * on which port and which phone, every run with its steps and gates, and the state. Mutable: the
 * {@link Checkpoint} fills it in and the {@link JobJournal} writes it after every step.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class Job {
    public int version = 1;
    public String id;
    public String command;
    /** Parameters for a rerun, by name (e.g. {@code ffu}, {@code programmer}, {@code consent}); lists for repeatable ones. */
    public Map<String, List<String>> params = new LinkedHashMap<>();
    public String port;
    public JobIdentity identity = new JobIdentity(null, null, null);
    public JobState state = JobState.RUNNING;
    public String reason;
    public String summary;
    public String nextStep;
    public String created;
    public String updated;
    public List<JobRun> runs = new ArrayList<>();

    /** The first value of a parameter. */
    public Optional<String> param(String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.ofNullable(v.get(0));
    }

    public List<String> paramList(String name) {
        return params.getOrDefault(name, List.of());
    }

    @JsonIgnore
    public Optional<JobRun> currentRun() {
        return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(runs.size() - 1));
    }

    /** The last step the job got to: the one running at the last checkpoint, else the last finished one. */
    @JsonIgnore
    public Optional<String> lastStep() {
        for (int i = runs.size() - 1; i >= 0; i--) {
            JobRun r = runs.get(i);
            if (r.currentStep != null) {
                return Optional.of(r.currentStep);
            }
            if (!r.steps.isEmpty()) {
                JobStep s = r.steps.get(r.steps.size() - 1);
                return Optional.of(s.name() + (s.ok() ? "" : " (failed)"));
            }
        }
        return Optional.empty();
    }
}
