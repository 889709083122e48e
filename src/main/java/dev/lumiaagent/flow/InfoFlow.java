package dev.lumiaagent.flow;

import dev.lumiaagent.device.DeviceInfo;
import dev.lumiaagent.device.InfoField;
import dev.lumiaagent.device.InfoReader;
import dev.lumiaagent.transport.UsbDevice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads what the phone's current mode can tell, and nothing else: the bench's {@code info} job (an
 * inventory of a tray of phones). Changes nothing on the phone.
 */
public final class InfoFlow implements FlowRunner.Flow {
    public static final String READ_INFO = "ReadInfo";

    private final UsbDevice device;
    private final Duration bound;
    private volatile DeviceInfo info;

    public InfoFlow(UsbDevice device, Duration bound) {
        this.device = device;
        this.bound = bound;
    }

    @Override
    public String name() {
        return "info";
    }

    @Override
    public List<String> plan() {
        return List.of(READ_INFO);
    }

    /** What was read (empty until the flow has run, or when the read failed). */
    public Optional<DeviceInfo> info() {
        return Optional.ofNullable(info);
    }

    @Override
    public Outcome run(FlowContext ctx) throws InterruptedException {
        info = ctx.step(READ_INFO, "read what the phone's mode can tell", bound, () -> InfoReader.read(ctx.bus(), device));
        return Outcome.done(describe(info));
    }

    /** One line: product type and model, product code, IMEI, OS, battery — what is known. */
    public static String describe(DeviceInfo info) {
        List<String> parts = new ArrayList<>();
        info.text(InfoField.PRODUCT_TYPE).ifPresent(t -> parts.add(t
                + info.text(InfoField.MODEL_NAME).map(n -> " (" + n + ")").orElse("")));
        info.text(InfoField.PRODUCT_CODE).ifPresent(c -> parts.add("product code " + c));
        info.text(InfoField.IMEI).ifPresent(i -> parts.add("IMEI " + i));
        info.text(InfoField.OS_VERSION).ifPresent(v -> parts.add("OS " + v));
        info.text(InfoField.PLATFORM_ID).ifPresent(v -> parts.add("platform " + v));
        info.text(InfoField.BATTERY_PERCENT).ifPresent(b -> parts.add("battery " + b + " %"));
        info.text(InfoField.MODE).ifPresent(m -> parts.add("in " + m));
        return parts.isEmpty() ? "The phone's mode tells nothing more than its USB identity." : String.join(", ", parts) + ".";
    }
}
