package dev.lumiaagent.device;

import dev.lumiaagent.protocol.flashapp.NokAck;
import dev.lumiaagent.protocol.flashapp.NokApp;
import dev.lumiaagent.protocol.flashapp.NokParam;
import dev.lumiaagent.protocol.flashapp.NokParamReply;
import dev.lumiaagent.protocol.flashapp.NokResult;
import dev.lumiaagent.protocol.flashapp.NokSession;
import dev.lumiaagent.protocol.flashapp.NokSwitchTarget;
import dev.lumiaagent.protocol.flashapp.NokvBlock;
import dev.lumiaagent.protocol.flashapp.NokvReply;
import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A phone in one of its UEFI apps (boot manager, flash app, phone-info app — one PID for all three,
 * told apart by {@code NOKV}). The flash and phone-info apps get {@code NOKD} at once, as their
 * watchdog would otherwise reboot them; the boot manager does not, so that it continues to the OS
 * as the person expects (lumia-protocols.md §1.1 arrival logic, §3.1).
 *
 * <p>The write phase of an FFU flash goes through an {@link FfuWriter} ({@link #ffuWriter}), whose
 * every message has the flash's own bound.
 */
public final class UefiPhone implements Phone {
    private static final Duration NOKV_TIMEOUT = Duration.ofSeconds(5);
    private final UsbDevice device;
    private final Link link;
    private final NokSession session;
    private NokvReply nokv;

    UefiPhone(UsbDevice device, Link link) {
        this.device = device;
        this.link = link;
        try {
            this.session = new NokSession(link);
        } catch (RuntimeException e) {
            Phones.closeQuietly(link, e);
            throw e;
        }
    }

    static boolean speaks(Mode mode) {
        return mode == Mode.UEFI;
    }

    @Override
    public UsbDevice device() {
        return device;
    }

    /** The NOKV answer (asked once per connection). */
    public NokvReply version() {
        if (nokv == null) {
            nokv = session.readInfo(NOKV_TIMEOUT);
            if (nokv.app() != NokApp.BOOT_MANAGER) {
                session.keepAlive();
            }
        }
        return nokv;
    }

    public NokApp app() {
        return version().app();
    }

    @Override
    public DeviceInfo readInfo() {
        DeviceInfo base = InfoReader.fromBus(device);
        return base.merge(readAppInfo());
    }

    /** What the running app tells (without the bus's fields). */
    private DeviceInfo readAppInfo() {
        NokvReply v = version();
        DeviceInfo.Builder b = DeviceInfo.builder()
                .put(InfoField.UEFI_APP, appName(v.app()))
                .put(InfoField.APP_VERSION, v.appMajor() + "." + v.appMinor());
        if (v.app() == NokApp.FLASH_APP) {
            b.put(InfoField.FLASH_PROTOCOL, v.protocolMajor() + "." + v.protocolMinor());
        }
        v.flashAppVersion().ifPresent(f -> b.put(InfoField.FLASH_PROTOCOL, f.protocolMajor() + "." + f.protocolMinor()));
        v.transferSize().ifPresent(n -> b.put(InfoField.MAX_TRANSFER_SIZE, n));
        v.writeBufferSize().ifPresent(n -> b.put(InfoField.WRITE_BUFFER_SIZE, n));
        v.emmcSectors().ifPresent(n -> b.put(InfoField.EMMC_SECTORS, n));
        v.platformId().ifPresent(p -> b.put(InfoField.PLATFORM_ID, p));
        v.security().ifPresent(s -> {
            b.put(InfoField.PLATFORM_SECURE_BOOT, s.platformSecureBoot() != 0);
            b.put(InfoField.SECURE_FFU, s.secureFfu() != 0);
            b.put(InfoField.UEFI_SECURE_BOOT, s.uefiSecureBoot() != 0);
            b.put(InfoField.BOOTLOADER_SECURE, s.bootloaderSecure());
        });
        v.secureFfuProtocols().ifPresent(p -> b.put(InfoField.FLASH_PROTOCOLS,
                p.protocols().stream().map(NokvBlock.FfuProtocol::name).sorted().collect(Collectors.joining(", "))));
        if (v.app() == NokApp.FLASH_APP) {
            readFlashAppParams(b);
        } else if (v.app() == NokApp.PHONE_INFO) {
            b.put(InfoField.PRODUCT_TYPE, session.phoneInfo("TYPE").ok());
            b.put(InfoField.PRODUCT_CODE, session.phoneInfo("CTR").ok());
            b.put(InfoField.IMEI, session.phoneInfo("IMEI").ok());
        } else {
            b.note("The boot manager tells only its versions; the phone continues to its OS in a few seconds. "
                    + "Run info again then, or use the flash app for more.");
        }
        return b.build();
    }

    private void readFlashAppParams(DeviceInfo.Builder b) {
        b.put(InfoField.FIRMWARE_VERSION, param(NokParam.FVER, NokParamReply::firmwareVersion));
        b.put(InfoField.PLATFORM_ID, param(NokParam.DPI, NokParamReply::platformId));
        b.put(InfoField.ROOT_KEY_HASH, param(NokParam.RRKH, r -> Bytes.hex(r.rootKeyHash())));
        b.put(InfoField.PUBLIC_ID, param(NokParam.PID, r -> Bytes.hex(r.publicId().id())));
        param(NokParam.CS, NokParamReply::chargeState).ifPresent(cs -> {
            b.put(InfoField.BATTERY_PERCENT, cs.levelPercent());
            b.put(InfoField.CHARGE_CURRENT_MA, cs.currentMilliAmps());
        });
        b.put(InfoField.EMMC_MANUFACTURER, param(NokParam.CID, r -> r.emmcCid().manufacturer().orElse(null)));
        b.put(InfoField.FLASHING_INCOMPLETE, param(NokParam.FS, r -> r.flashingStatus().flashingIncomplete()));
        NokResult<NokParamReply> atrp = session.readParam(NokParam.ATRP);
        b.put(InfoField.RESET_PROTECTION, atrp.ok().map(r -> r.resetProtection().toString())
                .orElse("unknown (the flash app does not report it)"));
    }

    private <T> Optional<T> param(NokParam p, Function<NokParamReply, T> decode) {
        return session.readParam(p).ok().map(decode);
    }

    /** The flash app knows the public ID; the phone-info app the IMEI; the boot manager neither. */
    @Override
    public PhoneIdentity identity() {
        NokApp app = app();
        if (app == NokApp.FLASH_APP) {
            return new PhoneIdentity(null, param(NokParam.PID, r -> Bytes.hex(r.publicId().id())).orElse(null));
        }
        if (app == NokApp.PHONE_INFO) {
            return new PhoneIdentity(session.phoneInfo("IMEI").ok().orElse(null), null);
        }
        return new PhoneIdentity(null, null);
    }

    /** Reboots toward the OS: {@code NOKR}, which the phone-info app refuses, so it first switches to the boot manager. */
    public void rebootToOs() {
        if (app() == NokApp.PHONE_INFO) {
            NokResult<?> switched = session.switchTo(NokSwitchTarget.BOOT_MANAGER);
            if (!switched.isOk()) {
                session.continueBoot();
                return;
            }
            nokv = null;
            version(); // the session must see the boot manager before it may send NOKR
        }
        session.reboot();
    }

    /** {@code NOKR}: restart toward the OS (the phone-info app refuses it: use {@link #rebootToOs()} there). */
    public void reboot() {
        session.reboot();
    }

    /** {@code NOKS}: the boot manager restarts into the flash app (a real reboot; the phone leaves the bus). */
    public void rebootToFlashApp() {
        session.rebootToFlash();
    }

    /**
     * {@code NOKXCB}: a v2 context switch to another app on the same enumeration. A refusal is a value:
     * an older app may not know the command. After a switch the app is read again at its next use.
     */
    public NokResult<NokAck> switchTo(NokSwitchTarget target) {
        NokResult<NokAck> r = session.switchTo(target);
        if (r instanceof NokResult.Ok) {
            nokv = null; // another app answers now: the cached NOKV is stale
        }
        return r;
    }

    /** {@code NOKXFP}: erases a partition; "Data" (the user's data) is always allowed, others need authentication. */
    public NokResult<NokAck> erasePartition(String name) {
        return session.erasePartition(name);
    }

    /**
     * The flash app's FFU write phase on this phone's channel: headers, payload, then {@code NOKR}.
     * Each message (its write plus its reply) is bounded by {@code perMessage}. The writer shares this
     * phone's session, one per link: on a stream link a second session would not see the bytes (or the
     * pending write-only answers) the first one holds.
     */
    public FfuWriter ffuWriter(Duration perMessage) {
        return new FfuWriter(session, perMessage);
    }

    @Override
    public void close() {
        link.close();
    }

    @Override
    public String toString() {
        return "UEFI phone " + device;
    }

    private static String appName(NokApp app) {
        switch (app) {
            case BOOT_MANAGER:
                return "boot manager";
            case FLASH_APP:
                return "flash app";
            default:
                return "phone-info app";
        }
    }
}
