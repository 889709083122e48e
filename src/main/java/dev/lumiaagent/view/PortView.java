package dev.lumiaagent.view;

import java.util.List;

/**
 * One port of the bench as people see it: the phone, where its job is, how far, how fast, how long still,
 * how it ended and what a person does next. Immutable; the terminal and the web page render the same one,
 * and its JSON form (the fields, by these names) is the REST API's.
 *
 * @param port         the USB port path ("1-2.3")
 * @param phone        the phone in words: model and IMEI, or what identifies a phone that does not tell its IMEI
 *                     (a 9008 phone's chip serial and MSM HW ID, a mass-storage phone's USB serial), never blank
 * @param model        product type (RM code) and model name where known
 * @param imei         IMEI where read
 * @param serial       the public ID, USB serial or chip serial: what the phone is found by when it has no IMEI
 * @param mode         the mode the phone was found in, in words
 * @param battery      battery percent where read, else null
 * @param command      the job's command (reflash, hard-reset …), null before a job starts
 * @param jobId        the job's id, null before a job starts
 * @param state        where the job is
 * @param step         the current step's name (or the last one)
 * @param stepIndex    1-based index of the step in the plan; 0 when unknown
 * @param steps        the number of steps in the plan; 0 when unknown
 * @param activity     the step in words ("write the FFU's payload to the phone")
 * @param fraction     0..1 of a step that moves bytes or blocks; -1 when the step has no measurable progress
 * @param status       the step's last status line ("12 of 64 MiB, 8.1 MB/s")
 * @param waitedSeconds a waiting step: how long it has waited so far; -1 otherwise
 * @param boundSeconds the step's bound in seconds; 0 when a person acts and there is no bound
 * @param etaSeconds   the step's time left from the measured rate; -1 when not known
 * @param instructions what a person must do now (a key sequence, charge the battery, replug); empty when nothing
 * @param outcome      the outcome's reason once ended (SUCCESS, BATTERY_LOW …), else null
 * @param summary      the outcome in a sentence
 * @param nextStep     what a person does next, whole (never cut)
 * @param attempt      the attempt number (1 unless retried)
 */
public record PortView(String port, String phone, String model, String imei, String serial, String mode, Integer battery,
        String command, String jobId, PortState state, String step, int stepIndex, int steps, String activity, double fraction,
        String status, long waitedSeconds, long boundSeconds, long etaSeconds, List<String> instructions, String outcome,
        String summary, String nextStep, int attempt) {

    public PortView {
        instructions = List.copyOf(instructions);
    }

    /** The state's words, for the JSON form and the page. */
    @com.fasterxml.jackson.annotation.JsonProperty("stateWords")
    public String stateWords() {
        return state.words();
    }

    @com.fasterxml.jackson.annotation.JsonProperty("needsPerson")
    public boolean needsPerson() {
        return state.needsPerson();
    }
}
