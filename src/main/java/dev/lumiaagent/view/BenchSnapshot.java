package dev.lumiaagent.view;

import java.util.List;

/**
 * The bench at one moment: what it runs, the totals, every port (those that need a person first, then by
 * port), and the latest events. {@code version} grows with every change, so a renderer draws only when it moved.
 */
public record BenchSnapshot(long version, String at, String title, BenchTotals totals, List<PortView> ports, List<BenchEvent> events) {

    public BenchSnapshot {
        ports = List.copyOf(ports);
        events = List.copyOf(events);
    }
}
