package dev.lumiaagent.cli;

import dev.lumiaagent.firmware.ProductType;
import dev.lumiaagent.image.ede.EdeBuilder;
import dev.lumiaagent.image.ffu.DemoDisk;
import dev.lumiaagent.image.ffu.FfuBuilder;
import dev.lumiaagent.sim.SimModel;
import dev.lumiaagent.sim.SimModels;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code lumia-agent simulate firmware --dir DIR}: a firmware library for the simulated models — a demo FFU
 * per model (which the simulated phone of that model accepts) and a programmer per model whose root is
 * the simulated root key — so a whole mixed bench can be reflashed (or emergency-flashed) in a demo.
 */
@Command(name = "firmware", mixinStandardHelpOptions = true,
        description = {"Writes a firmware library for the simulated models: DIR/RM-xxxx/RM-xxxx_demo.ffu (a demo disk built "
                + "for that model's platform ID) and DIR/RM-xxxx/RM-xxxx_sim.ede (under the emergency product type, e.g. RM-1113 for the 640; a programmer the simulated 9008 phone of that "
                + "model accepts), for `batch reflash --firmware-dir DIR` on a simulated bench. Real firmware cannot be made."})
final class SimulateFirmwareCommand implements Callable<Integer> {
    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Where to write the library (created if missing).")
    Path dir;

    @Option(names = "--size-mib", paramLabel = "N", defaultValue = "32",
            description = "The demo disk size per model in MiB (default ${DEFAULT-VALUE}).")
    int sizeMib;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (sizeMib < 1 || sizeMib > 65536) {
            throw new IllegalArgumentException("--size-mib takes 1 to 65536, not " + sizeMib);
        }
        PrintWriter out = spec.commandLine().getOut();
        for (SimModel m : SimModels.standard().all()) {
            Path modelDir = dir.resolve(ProductType.normalise(m.productType()));
            // Emergency files live under the emergency key (RM-1072/1073 share RM-1113's).
            Path emergencyDir = dir.resolve(ProductType.emergencyKey(m.productType()));
            Files.createDirectories(modelDir);
            Files.createDirectories(emergencyDir);
            Path ffu = modelDir.resolve(m.productType() + "_demo.ffu");
            try (FileChannel ch = FileChannel.open(ffu, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                new FfuBuilder().platformId(m.platformId()).osVersion(m.osVersion()).build(new DemoDisk((long) sizeMib << 20), ch);
            }
            Path ede = emergencyDir.resolve(m.productType() + "_sim.ede");
            Files.write(ede, EdeBuilder.forPlatform(m.platformId()).build());
            out.println(m.productType() + " (" + m.name() + "): " + ffu + ", " + ede);
        }
        out.println("firmware library ready: use --firmware-dir " + dir);
        return ExitCode.OK.code();
    }
}
