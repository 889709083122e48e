package dev.lumiaagent.view;

import java.util.Comparator;

/** Ports in the order people count them: 1-2 before 1-10, 1-2.3 after 1-2 (numbers compared as numbers). */
final class PortOrder {
    static final Comparator<String> COMPARATOR = PortOrder::compare;

    private PortOrder() {
    }

    static int compare(String a, String b) {
        String[] x = a.split("[-.]");
        String[] y = b.split("[-.]");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = compareParts(x[i], y[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    private static int compareParts(String a, String b) {
        try {
            return Long.compare(Long.parseLong(a), Long.parseLong(b));
        } catch (NumberFormatException e) {
            return a.compareTo(b);
        }
    }
}
