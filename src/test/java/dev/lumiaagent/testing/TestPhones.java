package dev.lumiaagent.testing;

import dev.lumiaagent.sim.LinkKind;
import dev.lumiaagent.sim.SimFault;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimPhone;
import dev.lumiaagent.transport.discovery.Mode;
import java.util.EnumSet;

/** Simulated phones the bench tests plug in by hand. */
public final class TestPhones {
    private TestPhones() {
    }

    /** A healthy phone of {@code model} in normal mode: battery 80 %, packet link, USB serial from the IMEI's tail. */
    public static SimPhone normal(String model, String imei) {
        return new SimPhone(SimModels.standard().require(model), imei, "SN" + imei.substring(11), Mode.NORMAL, 80, LinkKind.PACKET,
                EnumSet.noneOf(SimFault.class));
    }

    /**
     * Writes a demo FFU for {@code model} into a firmware library laid out as the agent reads it
     * ({@code LIBRARY/RM-xxx/RM-xxx.ffu}), {@code size} bytes of demo disk.
     */
    public static java.nio.file.Path libraryFfu(java.nio.file.Path library, String model, long size) throws java.io.IOException {
        dev.lumiaagent.sim.SimModel m = dev.lumiaagent.sim.SimModels.standard().require(model);
        java.nio.file.Path d = java.nio.file.Files.createDirectories(library.resolve(m.productType()));
        java.nio.file.Path out = d.resolve(m.productType() + ".ffu");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(out, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE)) {
            new dev.lumiaagent.image.ffu.FfuBuilder().platformId(m.platformId()).osVersion(m.osVersion())
                    .build(new dev.lumiaagent.image.ffu.DemoDisk(size), ch);
        }
        return out;
    }
}
