package dev.lumiaagent.host;

import dev.lumiaagent.exec.Exec;
import java.nio.file.Path;
import java.util.Map;

/**
 * Child-JVM main for {@link DoctorUmockdevTest}: runs doctor's qcserial check on the real root "/", which umockdev-run
 * redirects to its mocked /sys for this process only, and prints the finding as doctor prints it.
 */
public final class QcserialProbe {
    private QcserialProbe() {
    }

    public static void main(String[] args) {
        Doctor d = new Doctor(new Doctor.Settings(Path.of("/"), HostOs.LINUX, Exec.withEnvironment(Map.of("PATH", "")), Map.of(), "nobody",
                Path.of("/"), 0, () -> Finding.ok("libusb", ""), () -> Finding.ok("store", "")));
        System.out.println("finding: " + d.qcserial().line());
    }
}
