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
}
