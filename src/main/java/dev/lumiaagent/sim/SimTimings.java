package dev.lumiaagent.sim;

import java.time.Duration;

/**
 * How long a simulated phone takes between states, on the bus clock. Observed values come from the
 * WPinternals logs quoted in lumia-protocols.md §5; the watchdog periods and the OS boot time are
 * not in any source (§9) and are plausible assumptions, named as such.
 *
 * @param dropFromOs        OS → off the bus after a SetDeviceMode (Lumia 735: 4.6 s, issue #49)
 * @param dropFromUefi      UEFI app → off the bus after NOKR (950 XL: 33 ms, issue #23)
 * @param uefiArrival       off the bus → a UEFI app enumerates (950 XL: BootMgr +6.2 s; 735: FlashApp +6.5 s)
 * @param bootManagerWatchdog boot manager without NOKD → continues to the OS (assumption)
 * @param appWatchdog       flash / phone-info app without NOKD → reboots (assumption)
 * @param osBoot            boot manager leaves → the OS enumerates (assumption)
 * @param otherArrival      off the bus → label, mass storage, EDL (assumption)
 */
public record SimTimings(Duration dropFromOs, Duration dropFromUefi, Duration uefiArrival,
                         Duration bootManagerWatchdog, Duration appWatchdog, Duration osBoot, Duration otherArrival) {

    public static SimTimings standard() {
        return new SimTimings(Duration.ofMillis(4600), Duration.ofMillis(33), Duration.ofMillis(6200),
                Duration.ofSeconds(5), Duration.ofSeconds(120), Duration.ofSeconds(25), Duration.ofSeconds(8));
    }
}
