package dev.lumiaagent.sim;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How long a simulated phone takes between states, on the bus clock. The standard values are the
 * figures of real phones' WPinternals logs (traces/nok/107-113, 121; ncsd/001-004), per model where
 * the captures differ; the app watchdog and the arrival of label / mass storage / EDL are in no
 * source (lumia-protocols.md §9) and are assumptions, named as such.
 *
 * @param dropFromOs        OS → off the bus after a SetDeviceMode. Standard 4.6 s: Lumia 735
 *                          (traces/nok/107, https://github.com/ReneLergner/WPinternals/issues/49); the 435 took 4.21 s
 *                          (nok/121, …/issues/75). Per model below: 930 2.57 s, 640 LTE 15.5 s
 * @param dropFromUefi      UEFI app → off the bus after NOKR: 33 ms (950 XL, traces/nok/112, …/issues/23;
 *                          31 ms in nok/113, 65 ms on a 640 LTE nok/111, 79 ms on a 930 nok/109)
 * @param uefiArrival       off the bus → a UEFI app enumerates. Standard 6.142 s: 950 XL NOKR drop → BootMgr
 *                          (nok/112: 08:28:43.545 → 08:28:49.687); the 735 took 6.47 s from the drop to FlashApp (nok/107)
 * @param bootManagerWatchdog boot manager without NOKD → continues to the OS: 8.985 s (Lumia 930, traces/nok/109,
 *                          https://github.com/ReneLergner/WPinternals/issues/69); was an assumed 5 s
 * @param appWatchdog       flash / phone-info app without NOKD → reboots (assumption: no source)
 * @param osBoot            boot manager leaves → the OS's NCSd interface enumerates: 34.27 s (930, traces/nok/109);
 *                          was an assumed 25 s
 * @param otherArrival      off the bus → label, mass storage, EDL (assumption: no source)
 * @param firstJsonReply    NCSd arrival → the first JSON-RPC reply: 144 ms on a 735 (traces/ncsd/001); 4 ms on a
 *                          930 (ncsd/002), 37 ms on a 640 LTE (ncsd/004), 149 ms on a 435 (ncsd/005)
 * @param perModel          models whose captured figures differ from the standard ones, by product type
 */
public record SimTimings(Duration dropFromOs, Duration dropFromUefi, Duration uefiArrival,
                         Duration bootManagerWatchdog, Duration appWatchdog, Duration osBoot, Duration otherArrival,
                         Duration firstJsonReply, Map<String, ModelTimings> perModel) {

    public SimTimings {
        Objects.requireNonNull(firstJsonReply, "firstJsonReply");
        perModel = Map.copyOf(perModel);
    }

    /** Uniform timings (tests pick their own): no first-reply latency, nothing per model. */
    public SimTimings(Duration dropFromOs, Duration dropFromUefi, Duration uefiArrival, Duration bootManagerWatchdog,
                      Duration appWatchdog, Duration osBoot, Duration otherArrival) {
        this(dropFromOs, dropFromUefi, uefiArrival, bootManagerWatchdog, appWatchdog, osBoot, otherArrival,
                Duration.ZERO, Map.of());
    }

    /** A model's own normal → flash figures: the drop after SetDeviceMode and the UEFI arrival after the drop. */
    public record ModelTimings(Duration dropFromOs, Duration uefiArrival, Duration firstJsonReply) {}

    public static SimTimings standard() {
        return new SimTimings(Duration.ofMillis(4600), Duration.ofMillis(33), Duration.ofMillis(6142),
                Duration.ofMillis(8985), Duration.ofSeconds(120), Duration.ofMillis(34270), Duration.ofSeconds(8),
                Duration.ofMillis(144), Map.of(
                        // Lumia 930: SetDeviceMode → drop 2.568 s → FlashApp 7.485 s; first JSON reply 4 ms
                        // (traces/nok/108, ncsd/002; https://github.com/ReneLergner/WPinternals/issues/69, /43)
                        "RM-1045", new ModelTimings(Duration.ofMillis(2568), Duration.ofMillis(4917), Duration.ofMillis(4)),
                        // Lumia 640 LTE: drop 15.497 s → FlashApp 21.118 s; first JSON reply 37 ms
                        // (traces/nok/110, ncsd/004; https://github.com/ReneLergner/WPinternals/issues/27)
                        "RM-1073", new ModelTimings(Duration.ofMillis(15497), Duration.ofMillis(5621), Duration.ofMillis(37)),
                        // Lumia 735: drop 4.602 s → FlashApp 11.074 s; first JSON reply 144 ms
                        // (traces/nok/107, ncsd/001; https://github.com/ReneLergner/WPinternals/issues/49)
                        "RM-1038", new ModelTimings(Duration.ofMillis(4602), Duration.ofMillis(6472), Duration.ofMillis(144))));
    }

    /** The drop after SetDeviceMode for {@code model}. */
    public Duration dropFromOs(SimModel model) {
        ModelTimings m = perModel.get(model.productType());
        return m == null ? dropFromOs : m.dropFromOs();
    }

    /** The UEFI arrival after an OS drop for {@code model}. */
    public Duration uefiArrivalFromOs(SimModel model) {
        ModelTimings m = perModel.get(model.productType());
        return m == null ? uefiArrival : m.uefiArrival();
    }

    /** The first JSON-RPC reply's latency after an NCSd arrival for {@code model}. */
    public Duration firstJsonReply(SimModel model) {
        ModelTimings m = perModel.get(model.productType());
        return m == null ? firstJsonReply : m.firstJsonReply();
    }
}
