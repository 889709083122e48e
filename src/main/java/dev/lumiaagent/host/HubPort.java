package dev.lumiaagent.host;

import java.util.List;
import java.util.Optional;

/**
 * One port line of a uhubctl 2.5.0 listing (notes-18 §1.2, print_port_status, uhubctl.c @v2.5.0 722-813):
 * {@code "  Port 3: 0503 power highspeed enable connect [0421:0661 Nokia ...]"}.
 *
 * @param status the raw wPortStatus, four hex digits
 * @param words the status words in uhubctl's order ({@code off}, or {@code power …}, then {@code enable connect})
 * @param device the attached device's {@code vid:pid}, when the connect bit is set and it is enumerated ({@code []} gives none)
 * @param deviceName the rest of the attached device's description (manufacturer, product, serial), maybe empty
 */
public record HubPort(int number, String status, List<String> words, Optional<String> device, String deviceName) {

    public HubPort {
        words = List.copyOf(words);
    }

    /** "power" always means powered and "off" always unpowered, on USB2 and USB3 hubs alike (notes-18 §1.2; labgrid reads it so, §8). */
    public boolean powered() {
        return words.contains("power") && !words.contains("off");
    }

    public boolean connected() {
        return words.contains("connect");
    }
}
