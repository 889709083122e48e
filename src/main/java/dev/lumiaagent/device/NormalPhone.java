package dev.lumiaagent.device;

import dev.lumiaagent.protocol.ncsd.DeviceMode;
import dev.lumiaagent.protocol.ncsd.NcsdCodec;
import dev.lumiaagent.protocol.ncsd.NcsdError;
import dev.lumiaagent.protocol.ncsd.NcsdResponse;
import dev.lumiaagent.protocol.ncsd.NcsdSession;
import dev.lumiaagent.protocol.ncsd.ResetMethod;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.time.Duration;
import java.util.Optional;

/**
 * A phone running its OS (normal mode) or in label / test mode: Nokia JSON-RPC over USB bulk
 * (lumia-protocols.md §2). A {@code TransferTimeout} from the first request means the phone does
 * not answer (a hung OS); the caller decides what that means.
 */
public final class NormalPhone implements Phone {
    static final Duration DEFAULT_REPLY_TIMEOUT = NcsdSession.DEFAULT_REPLY_TIMEOUT;

    private final UsbDevice device;
    private final Link link;
    private final NcsdSession session;

    NormalPhone(UsbDevice device, Link link, Duration answerWithin) {
        this.device = device;
        this.link = link;
        try {
            this.session = new NcsdSession(link, answerWithin, NcsdCodec.MAX_MESSAGE_BYTES);
        } catch (RuntimeException e) {
            Phones.closeQuietly(link, e);
            throw e;
        }
    }

    static boolean speaks(Mode mode) {
        return mode == Mode.NORMAL || mode == Mode.LABEL;
    }

    @Override
    public UsbDevice device() {
        return device;
    }

    @Override
    public DeviceInfo readInfo() {
        DeviceInfo base = InfoReader.fromBus(device);
        return base.merge(NormalModeReader.read(session));
    }

    /** IMEI and public ID: two requests, for re-confirming the phone after a re-enumeration. */
    @Override
    public PhoneIdentity identity() {
        return NormalModeReader.identity(session);
    }

    /**
     * Asks the phone to restart into its UEFI flash app ({@code SetDeviceMode Flash, HwReset}).
     *
     * @return the phone's refusal, or empty when it accepted (or left before answering, as it may)
     */
    public Optional<NcsdError> switchToFlash() {
        return refusal(session.setDeviceMode(DeviceMode.FLASH, ResetMethod.HW_RESET));
    }

    /**
     * Asks the phone to restart into its OS ({@code SetDeviceMode Normal, HwReset}): the soft reset.
     *
     * @return the phone's refusal, or empty when it accepted (or left before answering, as it may)
     */
    public Optional<NcsdError> reboot() {
        return refusal(session.setDeviceMode(DeviceMode.NORMAL, ResetMethod.HW_RESET));
    }

    private static Optional<NcsdError> refusal(Optional<NcsdResponse> reply) {
        return reply.flatMap(NcsdResponse::error);
    }

    @Override
    public void close() {
        link.close();
    }

    @Override
    public String toString() {
        return "normal-mode phone " + device;
    }
}
