package dev.lumiaagent.job;

import dev.lumiaagent.flow.HardResetFlow;
import dev.lumiaagent.transport.UsbDevice;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a job is asked to do, as data: one of the five single-phone jobs with its parameters typed.
 * Its one JSON form is the job file's {@code command} and {@code params} ({@link #params()} writes it,
 * {@link #of} reads it back), so a job started by a verb, a batch or a station is resumed from its
 * file by the same {@link JobRunner}. How the spec becomes a flow on one phone is {@link JobPlans}.
 */
public sealed interface JobSpec permits JobSpec.Info, JobSpec.SoftReset, JobSpec.Erasing {

    /** The command name, as on the command line and in job files. */
    String command();

    /** The job file's parameters, by name; lists for repeatable ones. */
    Map<String, List<String>> params();

    /** False for jobs meant for phones that may not answer at all (soft reset): only what the bus shows is taken. */
    default boolean readsPhoneFirst() {
        return true;
    }

    /** Erasing jobs need the owner's consent, recorded as how it was given. */
    default Optional<String> consent() {
        return Optional.empty();
    }

    /**
     * Why a bench leaves a phone in this personality alone (counted as skipped), or empty when the job can
     * start there. A single-phone verb does not ask: its flow refuses such a phone with a named outcome.
     */
    default Optional<String> cannotStartOn(UsbDevice device) {
        return Optional.empty();
    }

    /** A job that erases the phone: it records how the owner's consent was given. */
    sealed interface Erasing extends JobSpec permits HardReset, Reflash, Emergency {
        String consentHow();

        @Override
        default Optional<String> consent() {
            return Optional.of(consentHow());
        }
    }

    /** Where an erasing job takes a phone's FFU from: one file, or the firmware library by what the phone is. */
    sealed interface Firmware permits OneFfu, Library {
        static Optional<Firmware> read(Map<String, List<String>> params) {
            Optional<String> ffu = first(params, "ffu");
            if (ffu.isPresent()) {
                return Optional.of(new OneFfu(Path.of(ffu.get())));
            }
            return first(params, "firmwareDir").map(d -> new Library(Path.of(d)));
        }

        default void write(Map<String, List<String>> params) {
            if (this instanceof OneFfu) {
                params.put("ffu", List.of(((OneFfu) this).file().toAbsolutePath().toString()));
            } else {
                params.put("firmwareDir", List.of(((Library) this).dir().toAbsolutePath().toString()));
            }
        }
    }

    /** The same FFU for every phone; a phone whose platform ID it does not cover fails the firmware-match gate. */
    record OneFfu(Path file) implements Firmware {
    }

    /** The firmware library: each phone's FFU chosen by its product code, platform ID or product type. */
    record Library(Path dir) implements Firmware {
    }

    /** Where an emergency job's programmer and image come from. */
    sealed interface EmergencyFiles permits Fixed, RawProgram, FromLibrary {
    }

    /** One programmer and one FFU (its raw image is written). */
    record Fixed(Path programmer, Path ffu) implements EmergencyFiles {
    }

    /** One programmer and a QFIL rawprogram/patch set, with the directory its images are in. */
    record RawProgram(Path programmer, List<Path> rawprogram, List<Path> patch, Path images) implements EmergencyFiles {
        public RawProgram {
            rawprogram = List.copyOf(rawprogram);
            patch = List.copyOf(patch);
        }
    }

    /** Chosen per phone from the firmware library by the root-key hash its loader tells (a 9008 phone cannot tell its type). */
    record FromLibrary(Path dir) implements EmergencyFiles {
    }

    record Info() implements JobSpec {
        @Override
        public String command() {
            return "info";
        }

        @Override
        public Map<String, List<String>> params() {
            return Map.of();
        }
    }

    record SoftReset() implements JobSpec {
        @Override
        public String command() {
            return "soft-reset";
        }

        @Override
        public Map<String, List<String>> params() {
            return Map.of();
        }

        @Override
        public boolean readsPhoneFirst() {
            return false;
        }
    }

    /** A factory reset by {@code method}; {@code ffu} is used when the method is (or auto chooses) a reflash. */
    record HardReset(HardResetFlow.Method method, Optional<Firmware> ffu, String consentHow) implements Erasing {
        @Override
        public String command() {
            return "hard-reset";
        }

        @Override
        public Map<String, List<String>> params() {
            Map<String, List<String>> p = new LinkedHashMap<>();
            p.put("method", List.of(method.key()));
            p.put("consent", List.of(consentHow));
            ffu.ifPresent(f -> f.write(p));
            return p;
        }

        @Override
        public Optional<String> cannotStartOn(UsbDevice device) {
            return device.personality().mode().isEmergencyDownload()
                    ? Optional.of("it is in Qualcomm 9008: a factory reset needs a working phone; use `batch emergency`")
                    : Optional.empty();
        }
    }

    record Reflash(Firmware ffu, String consentHow) implements Erasing {
        @Override
        public String command() {
            return "reflash";
        }

        @Override
        public Map<String, List<String>> params() {
            Map<String, List<String>> p = new LinkedHashMap<>();
            p.put("consent", List.of(consentHow));
            ffu.write(p);
            return p;
        }

        @Override
        public Optional<String> cannotStartOn(UsbDevice device) {
            return device.personality().mode().isEmergencyDownload()
                    ? Optional.of("it is in Qualcomm 9008, where the flash app does not run; use `batch emergency`")
                    : Optional.empty();
        }
    }

    record Emergency(EmergencyFiles files, String consentHow) implements Erasing {
        @Override
        public String command() {
            return "emergency";
        }

        @Override
        public Map<String, List<String>> params() {
            Map<String, List<String>> p = new LinkedHashMap<>();
            p.put("consent", List.of(consentHow));
            if (files instanceof Fixed) {
                Fixed f = (Fixed) files;
                p.put("programmer", List.of(abs(f.programmer())));
                p.put("ffu", List.of(abs(f.ffu())));
            } else if (files instanceof RawProgram) {
                RawProgram r = (RawProgram) files;
                p.put("programmer", List.of(abs(r.programmer())));
                p.put("rawprogram", r.rawprogram().stream().map(JobSpec::abs).toList());
                p.put("patch", r.patch().stream().map(JobSpec::abs).toList());
                p.put("images", List.of(abs(r.images())));
            } else {
                p.put("firmwareDir", List.of(abs(((FromLibrary) files).dir())));
            }
            return p;
        }

        @Override
        public Optional<String> cannotStartOn(UsbDevice device) {
            return device.personality().mode().isEmergencyDownload()
                    ? Optional.empty()
                    : Optional.of("it is not in Qualcomm 9008 (it is in " + device.personality().mode().label()
                    + "); the emergency path is for bricked phones — use `batch reflash`");
        }
    }

    /**
     * The spec a job file holds.
     *
     * @throws IllegalArgumentException naming what is missing, for a file this agent cannot run again
     */
    static JobSpec of(String command, Map<String, List<String>> params) {
        String consent = first(params, "consent").orElse("not recorded");
        switch (command == null ? "" : command) {
            case "info":
                return new Info();
            case "soft-reset":
                return new SoftReset();
            case "hard-reset":
                return new HardReset(HardResetFlow.Method.parse(first(params, "method").orElse("auto")), Firmware.read(params), consent);
            case "reflash":
                return new Reflash(Firmware.read(params).orElseThrow(() -> new IllegalArgumentException(
                        "the job has no recorded FFU (ffu or firmwareDir)")), consent);
            case "emergency": {
                Optional<String> programmer = first(params, "programmer");
                if (programmer.isEmpty()) {
                    return new Emergency(new FromLibrary(Path.of(first(params, "firmwareDir").orElseThrow(() ->
                            new IllegalArgumentException("the job has no recorded programmer or firmware library")))), consent);
                }
                List<String> raw = params.getOrDefault("rawprogram", List.of());
                if (!raw.isEmpty()) {
                    Path images = first(params, "images").map(Path::of).orElse(Path.of(raw.get(0)).toAbsolutePath().getParent());
                    return new Emergency(new RawProgram(Path.of(programmer.get()), raw.stream().map(Path::of).toList(),
                            params.getOrDefault("patch", List.of()).stream().map(Path::of).toList(), images), consent);
                }
                return new Emergency(new Fixed(Path.of(programmer.get()), Path.of(first(params, "ffu").orElseThrow(() ->
                        new IllegalArgumentException("the job has no recorded FFU")))), consent);
            }
            default:
                throw new IllegalArgumentException("this agent cannot run a '" + command + "' job");
        }
    }

    private static Optional<String> first(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.ofNullable(v.get(0));
    }

    private static String abs(Path p) {
        return p.toAbsolutePath().toString();
    }
}
