package dev.lumiaagent.bench;

import dev.lumiaagent.device.DeviceInfo;
import dev.lumiaagent.device.InfoField;
import dev.lumiaagent.firmware.FirmwareLibrary;
import dev.lumiaagent.flow.EmergencyFlow;
import dev.lumiaagent.flow.HardResetFlow;
import dev.lumiaagent.flow.InfoFlow;
import dev.lumiaagent.flow.LibraryEmergencyFiles;
import dev.lumiaagent.flow.ReflashFlow;
import dev.lumiaagent.flow.SoftResetFlow;
import dev.lumiaagent.flow.gate.Consent;
import dev.lumiaagent.image.ffu.FfuFile;
import dev.lumiaagent.image.ffu.FfuImage;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.flow.Reason;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The five single-phone jobs as bench jobs. */
public final class BenchJobs {
    private static final DateTimeFormatter HHMMSS = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private BenchJobs() {
    }

    /** Where a reflash takes each phone's FFU from: one file for every phone, or the firmware library by product code, platform ID, type. */
    public sealed interface FfuChoice permits OneFfu, Library {
    }

    /** The same FFU for every phone; a phone whose platform ID it does not cover is skipped. */
    public record OneFfu(Path file) implements FfuChoice {
    }

    public record Library(FirmwareLibrary library) implements FfuChoice {
    }

    /** A bench job's name and recorded parameters; the rest is each job's own. */
    private abstract static class Named implements BenchJob {
        private final String command;
        private final Map<String, List<String>> params;

        Named(String command, Map<String, List<String>> params) {
            this.command = command;
            this.params = Map.copyOf(params);
        }

        @Override
        public String command() {
            return command;
        }

        @Override
        public Map<String, List<String>> params() {
            return params;
        }

        @Override
        public Optional<String> cannotStartOn(UsbDevice device) {
            return Optional.empty();
        }
    }

    /** Parameters every erasing job records: how consent was given, and the one FFU when there is one. */
    private static Map<String, List<String>> erasing(String consentHow, FfuChoice ffus) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        params.put("consent", List.of(consentHow));
        if (ffus instanceof OneFfu) {
            params.put("ffu", List.of(((OneFfu) ffus).file().toAbsolutePath().toString()));
        } else {
            params.put("firmwareDir", List.of(((Library) ffus).library().root().toAbsolutePath().toString()));
        }
        return params;
    }

    public static BenchJob info() {
        return new Named("info", Map.of()) {
            @Override
            public Prepared prepare(Bus bus, UsbDevice device, DeviceInfo info) {
                return Prepared.of(new InfoFlow(device, Duration.ofSeconds(60)));
            }
        };
    }

    public static BenchJob softReset() {
        return new Named("soft-reset", Map.of()) {
            @Override
            public boolean readsPhoneFirst() {
                return false;
            }

            @Override
            public Prepared prepare(Bus bus, UsbDevice device, DeviceInfo info) {
                return Prepared.of(new SoftResetFlow(Optional.of(device), SoftResetFlow.Bounds.standard()));
            }
        };
    }

    public static BenchJob hardReset(HardResetFlow.Method method, FfuChoice ffus, Consent consent, String consentHow) {
        Map<String, List<String>> params = erasing(consentHow, ffus);
        params.put("method", List.of(method.key()));
        return new Named("hard-reset", params) {
            @Override
            public Optional<String> cannotStartOn(UsbDevice device) {
                return device.personality().mode().isEmergencyDownload()
                        ? Optional.of("it is in Qualcomm 9008: a factory reset needs a working phone; use `batch emergency`")
                        : Optional.empty();
            }

            @Override
            public Prepared prepare(Bus bus, UsbDevice device, DeviceInfo info) {
                HardResetFlow.FfuSource source = ffus instanceof OneFfu ? phone -> Optional.of(((OneFfu) ffus).file())
                        : HardResetFlow.FfuSource.library(((Library) ffus).library());
                return Prepared.of(new HardResetFlow(Optional.of(device), method, source, consent, HardResetFlow.Bounds.standard(),
                        ReflashFlow.Bounds.standard()));
            }
        };
    }

    public static BenchJob reflash(FfuChoice ffus, FirmwareFiles files, Consent consent, String consentHow) {
        return new Named("reflash", erasing(consentHow, ffus)) {
            @Override
            public Optional<String> cannotStartOn(UsbDevice device) {
                return device.personality().mode().isEmergencyDownload()
                        ? Optional.of("it is in Qualcomm 9008, where the flash app does not run; use `batch emergency`")
                        : Optional.empty();
            }

            @Override
            public Prepared prepare(Bus bus, UsbDevice device, DeviceInfo info) throws NothingToRun, NotReady {
                if (device.personality().mode() == Mode.EMERGENCY_CHARGING) {
                    // Whatever the FFU, a phone with a dead battery cannot be flashed: say so first.
                    throw new NotReady(new Outcome(Reason.BATTERY_DEAD, "The phone on " + device.port() + " shows up only as Qualcomm "
                            + "emergency charging (05C6:F006): its battery is dead, and nothing was written.",
                            "Charge it for at least 20 minutes with a wall charger, then plug it in again."));
                }
                Path file = ffuFor(ffus, info);
                FirmwareFiles.Checked checked;
                FfuFile ffu;
                try {
                    checked = files.ffu(file);
                    ffu = FfuFile.open(file);
                } catch (IOException e) {
                    // An FFU that does not parse or cannot be read: nothing to run on this phone.
                    throw new NothingToRun(file.getFileName() + " cannot be used: " + e.getMessage()
                            + " (check it with `lumia-agent ffu verify " + file + "`)");
                }
                Optional<String> phonePlatform = info.text(InfoField.PLATFORM_ID);
                if (ffus instanceof OneFfu && phonePlatform.isPresent()
                        && !FfuImage.platformMatches(ffu.image().platformIds(), phonePlatform.get())) {
                    closeQuietly(ffu);
                    throw new NothingToRun(file.getFileName() + " is for " + String.join(", ", ffu.image().platformIds())
                            + ", not this phone's platform " + phonePlatform.get());
                }
                ReflashFlow flow = new ReflashFlow(device, ffu, file.getFileName().toString(), consent, ReflashFlow.Bounds.standard());
                checked.verification().ifPresent(v -> flow.alreadyVerified(v, "verified once for this run at "
                        + HHMMSS.format(checked.checkedAt()) + " UTC"));
                return new Prepared(flow, Optional.of(checked), ffu);
            }
        };
    }

    /** The emergency path for phones in 9008, with the same programmer and FFU for every phone. */
    public static BenchJob emergency(Path programmer, Path ffuPath, FirmwareFiles files, Consent consent, String consentHow) {
        Map<String, List<String>> params = erasing(consentHow, new OneFfu(ffuPath));
        params.put("programmer", List.of(programmer.toAbsolutePath().toString()));
        return new Named("emergency", params) {
            @Override
            public Optional<String> cannotStartOn(UsbDevice device) {
                return notIn9008(device);
            }

            @Override
            public Prepared prepare(Bus bus, UsbDevice device, DeviceInfo info) throws NothingToRun {
                FirmwareFiles.Checked checked;
                FfuFile ffu;
                try {
                    checked = files.ffu(ffuPath);
                    files.file(programmer);
                    ffu = FfuFile.open(ffuPath);
                } catch (IOException e) {
                    throw new NothingToRun(ffuPath.getFileName() + " or " + programmer.getFileName() + " cannot be used: " + e.getMessage());
                }
                return new Prepared(new EmergencyFlow(device, programmer, ffu, ffuPath.getFileName().toString(), consent,
                        EmergencyFlow.Bounds.standard()), Optional.of(checked), ffu);
            }
        };
    }

    /**
     * The emergency path for phones in 9008 of any model: each phone's programmer and FFU are chosen from
     * the firmware library by its root-key hash once its chip is read (a 9008 phone does not tell its
     * product type). The chosen files are known only inside the flow, so the job file records the library,
     * not the files, and the record's firmware fields stay empty; the chosen FFU's name is in the outcome,
     * and its SHA-256 (checked once per run) in the step's progress line.
     */
    public static BenchJob emergencyFromLibrary(FirmwareLibrary lib, FirmwareFiles files, Consent consent, String consentHow) {
        Map<String, List<String>> params = erasing(consentHow, new Library(lib));
        EmergencyFlow.FileSource library = new LibraryEmergencyFiles(lib);
        EmergencyFlow.FileSource checked = (rootKeyHash, hwId) -> {
            EmergencyFlow.Result r = library.choose(rootKeyHash, hwId);
            if (r.choice().isEmpty()) {
                return r;
            }
            EmergencyFlow.Choice c = r.choice().get();
            try {
                files.file(c.programmer());
                FirmwareFiles.Checked ffu = files.ffu(c.ffu());
                return EmergencyFlow.Result.chosen(new EmergencyFlow.Choice(c.programmer(), c.ffu(), c.why() + "; " + ffu.name()
                        + " sha256 " + ffu.sha256()));
            } catch (IOException e) {
                return EmergencyFlow.Result.none("the files chosen for it (" + c.programmer().getFileName() + ", " + c.ffu().getFileName()
                        + ") cannot be read: " + e.getMessage(), "Check the firmware library " + lib.root() + ", then rerun.");
            }
        };
        return new Named("emergency", params) {
            @Override
            public Optional<String> cannotStartOn(UsbDevice device) {
                return notIn9008(device);
            }

            @Override
            public Prepared prepare(Bus bus, UsbDevice device, DeviceInfo info) {
                EmergencyFlow flow = new EmergencyFlow(device, checked, consent, EmergencyFlow.Bounds.standard());
                return Prepared.of(flow);
            }
        };
    }

    private static Optional<String> notIn9008(UsbDevice device) {
        return device.personality().mode().isEmergencyDownload()
                ? Optional.empty()
                : Optional.of("it is not in Qualcomm 9008 (it is in " + device.personality().mode().label()
                + "); the emergency path is for bricked phones — use `batch reflash`");
    }

    private static Path ffuFor(FfuChoice ffus, DeviceInfo info) throws BenchJob.NothingToRun {
        if (ffus instanceof OneFfu) {
            return ((OneFfu) ffus).file();
        }
        FirmwareLibrary lib = ((Library) ffus).library();
        String type = info.text(InfoField.PRODUCT_TYPE).orElse(null);
        String code = info.text(InfoField.PRODUCT_CODE).orElse(null);
        String platform = info.text(InfoField.PLATFORM_ID).orElse(null);
        if (type == null && code == null && platform == null) {
            throw new BenchJob.NothingToRun("its mode does not tell what it is (no product type, code or platform ID: the UEFI "
                    + "boot manager and mass storage do not), so no FFU can be chosen from the library; give --ffu, or restart the "
                    + "phone into normal mode (hold Volume-Down + Power until it vibrates)");
        }
        return HardResetFlow.FfuSource.library(lib).ffuFor(info)
                .orElseThrow(() -> new BenchJob.NothingToRun("no FFU for " + (type != null ? type : platform)
                        + (code != null ? " (product code " + code + ")" : "") + " in the firmware library " + lib.root()));
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // nothing was written; closing a read-only file
        }
    }
}
