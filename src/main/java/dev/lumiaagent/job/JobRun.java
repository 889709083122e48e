package dev.lumiaagent.job;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/** One attempt at a job: the plan it made from the phone's mode then, the steps it finished, the gates, how it ended. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class JobRun {
    public String started;
    public String ended;
    public String flow;
    /** The mode the phone was in when this run started (the plan follows from it). */
    public String startMode;
    public List<String> plan = new ArrayList<>();
    /** The step that had started and not finished at the last checkpoint. */
    public String currentStep;
    public List<JobStep> steps = new ArrayList<>();
    public List<JobGate> gates = new ArrayList<>();
    public RunState state = RunState.RUNNING;
    public String reason;
    public String summary;
}
