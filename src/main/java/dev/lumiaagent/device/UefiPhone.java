package dev.lumiaagent.device;

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
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A phone in one of its UEFI apps (boot manager, flash app, phone-info app — one PID for all three,
 * told apart by {@code NOKV}). The flash and phone-info apps get {@code NOKD} at once, as their
 * watchdog would otherwise reboot them; the boot manager does not, so that it continues to the OS
 * as the person expects (lumia-protocols.md §1.1 arrival logic, §3.1).
 */
public final class UefiPhone {
    private static final Duration NOKV_TIMEOUT = Duration.ofSeconds(5);
    private final NokSession session;
    private NokvReply nokv;

    public UefiPhone(Link link) {
        this.session = new NokSession(link);
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

    /** The session, for flows that drive the flash app message by message. */
    public NokSession session() {
        return session;
    }

    public NokApp app() {
        return version().app();
    }

    public DeviceInfo readInfo() {
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
