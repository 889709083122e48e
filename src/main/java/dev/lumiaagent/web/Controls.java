package dev.lumiaagent.web;

import dev.lumiaagent.job.JobSpec;
import java.util.List;
import java.util.Map;

/**
 * What the API's controls do to the bench, implemented where benches are run (cli): start and stop the station
 * job, resume an interrupted job. The server has checked the token, the body and the consent before it calls;
 * an implementation refuses what it cannot do now with an {@link ApiError} (409 when a station already runs).
 */
public interface Controls {

    /** The station now. */
    StationState station();

    /**
     * Starts a station running {@code spec} on every phone that attaches (as {@code station JOB}).
     *
     * @param consent how the owner's consent to erase was given, for the records (null for a job that erases nothing)
     */
    StationState start(JobSpec spec, String consent);

    /** Stops the station: no phone is taken any more; running jobs are interrupted and stay resumable. */
    StationState stop();

    /**
     * Resumes the interrupted job {@code jobId} on its phone (as {@code resume}), in the background.
     *
     * @param consent how the owner's consent to erase was given (null for a job that erases nothing)
     * @return what was started, in a sentence
     */
    String resume(String jobId, String consent);

    /**
     * Whether a station runs, its job, and the consent it runs with.
     *
     * @param running  a station takes phones now
     * @param command  its job's command (null when none runs)
     * @param params   its job's parameters (the job file's form)
     * @param consent  how consent to erase was given for it (null for a job that erases nothing, or none running)
     * @param started  when it started (ISO-8601), or null
     * @param bus      the bus it watches, in words, or null
     * @param controls the API's controls are enabled (a token is set)
     */
    record StationState(boolean running, String command, Map<String, List<String>> params, String consent, String started,
                        String bus, boolean controls) {
        public StationState {
            params = params == null ? Map.of() : Map.copyOf(params);
        }

        public static StationState idle(String bus) {
            return new StationState(false, null, Map.of(), null, null, bus, false);
        }

        StationState withControls(boolean on) {
            return new StationState(running, command, params, consent, started, bus, on);
        }
    }

    /** No controls (a server without a way to run benches): every control is refused. */
    Controls NONE = new Controls() {
        @Override
        public StationState station() {
            return StationState.idle(null);
        }

        @Override
        public StationState start(JobSpec spec, String consent) {
            throw new ApiError(501, "this server cannot start a station", "run `lumia-agent serve` or `lumia-agent station … --web`");
        }

        @Override
        public StationState stop() {
            throw new ApiError(409, "no station is running", "start one with POST /api/v1/station/start");
        }

        @Override
        public String resume(String jobId, String consent) {
            throw new ApiError(501, "this server cannot resume jobs", "run `lumia-agent resume` on the station");
        }
    };
}
