package dev.lumiaagent.sim;

import dev.lumiaagent.protocol.flashapp.NokApp;
import dev.lumiaagent.protocol.flashapp.NokCodec;
import dev.lumiaagent.protocol.flashapp.NokEcho;
import dev.lumiaagent.protocol.flashapp.NokParam;
import dev.lumiaagent.protocol.flashapp.NokParamReply;
import dev.lumiaagent.protocol.flashapp.NokParamValue;
import dev.lumiaagent.protocol.flashapp.NokPhoneInfoReply;
import dev.lumiaagent.protocol.flashapp.NokReply;
import dev.lumiaagent.protocol.flashapp.NokRequest;
import dev.lumiaagent.protocol.flashapp.NokStatusReply;
import dev.lumiaagent.protocol.flashapp.NokSwitchTarget;
import dev.lumiaagent.protocol.flashapp.NokFlashLayout;
import dev.lumiaagent.protocol.flashapp.NokFlashReply;
import dev.lumiaagent.protocol.flashapp.NokUnknown;
import dev.lumiaagent.protocol.flashapp.NokvBlock;
import dev.lumiaagent.protocol.flashapp.NokvReply;
import dev.lumiaagent.protocol.wire.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The simulated phone's UEFI side: boot manager, flash app and phone-info app behind one PID, the
 * one running chosen by {@link SimPhone#uefiApp()} (lumia-protocols.md §1.1, §3). It decodes each
 * host message with {@link NokCodec} and answers with encoded replies in the layouts of the real
 * traces; mode changes go through {@link SimPhoneControl}.
 *
 * <p>Choices where the reference is silent (§9), so tests can rely on them:
 * <ul>
 *   <li>A command the running app does not have (per the apps column of §3.2), an unknown command,
 *       and a parameter name the flash app does not answer get the bare {@code NOKU}. That includes
 *       {@code ATRP}: whether Lumia flash apps know it is unknown (§6.2), and NOKU is the documented
 *       "not supported" answer, where a status would be an invented code.</li>
 *   <li>Bytes that do not start with {@code NOK} are recorded as a violation and not answered; a
 *       known command with a malformed layout is recorded and answered {@code NOKU}.</li>
 *   <li>{@code NOKR}, {@code NOKS}, {@code NOKP}, {@code NOKA}, {@code NOKM}, {@code NOKZ} are not
 *       answered (write-only, and "no reply = success" for NOKM); {@code NOKXCB} answers status 0 and
 *       then acts.</li>
 *   <li>Versions, transfer / write-buffer sizes, fuse flags and charge current come from the model
 *       table (models.json, each value cited); values it does not hold are the Lumia 520 trace's (SD
 *       sectors 0x3B5000, the 0x0F security subblock, nok/101) or simulator values (the phone-info
 *       app's versions, the PID prefix), listed in docs/personalities.md.</li>
 * </ul>
 */
public final class SimUefiFirmware implements SimFirmware {
    /** Phone-info app v2 (answers NOKXPH, §3.7); no trace of its NOKV exists, these are simulator values. */
    static final int[] PHONE_INFO_VERSION = {1, 0, 2, 0};
    /** The 520 trace's SD card (nok/101 subblock 0x04); the model table has no SD data. */
    static final long SD_SECTORS = 0x3B5000;

    private final SimPhoneControl control;
    /** {@code NOKXFW UBF}: where the next {@code NOKR} goes ('Y' label, 'M' mass storage, §3.4); per open channel. */
    private volatile BootTarget nextReboot;

    public SimUefiFirmware(SimPhoneControl control) {
        this.control = Objects.requireNonNull(control, "control");
    }

    /** The nak-next fault: the app answers {@code NOKU}, as it does to a command it does not know. */
    @Override
    public void refuse(byte[] message, PhoneEndpoint out) {
        send(out, new NokUnknown());
    }

    @Override
    public void onHostMessage(byte[] message, PhoneEndpoint out) {
        SimPhone phone = control.phone();
        if (message.length < 4 || message[0] != 'N' || message[1] != 'O' || message[2] != 'K') {
            phone.recordViolation("UEFI " + phone.uefiApp() + " got " + message.length + " bytes that are not a NOK message: "
                    + shown(message));
            return;
        }
        Optional<String> signature = NokCodec.knownRequestSignature(message);
        if (signature.isEmpty()) {
            send(out, new NokUnknown());
            return;
        }
        NokRequest request;
        try {
            request = NokCodec.decodeRequest(message);
        } catch (ProtocolException e) {
            phone.recordViolation("UEFI " + phone.uefiApp() + ": malformed " + signature.get() + " (" + shown(message) + "): "
                    + e.getMessage());
            send(out, new NokUnknown());
            return;
        }
        SimLog.LOG.debug("{} UEFI {} ← {}", phone, phone.uefiApp(), request);
        handle(request, phone, phone.uefiApp(), out);
    }

    /**
     * A message that came in parts (the host's gathering write). A {@code NOKXFS} message is decoded
     * in place — the same strict checks on the same bytes as {@link #onHostMessage(byte[], PhoneEndpoint)},
     * its data a read-only view of the host's part, hashed and placed before this call returns — so a
     * 2.25 MiB payload message is not copied on its way into the phone. Anything else is
     * concatenated and handled as one array.
     */
    @Override
    public void onHostMessage(ByteBuffer[] parts, PhoneEndpoint out) {
        byte[] start = new byte[6];
        int got = prefix(parts, start);
        if (got < start.length || !Arrays.equals(start, FLASH_SIGNATURE)) {
            onHostMessage(SimFirmware.concatenate(parts), out);
            return;
        }
        SimPhone phone = control.phone();
        NokRequest request;
        try {
            request = NokCodec.decodeFlash(parts);
        } catch (ProtocolException e) {
            byte[] first = new byte[16];
            int n = prefix(parts, first);
            long total = Arrays.stream(parts).mapToLong(ByteBuffer::remaining).sum();
            phone.recordViolation("UEFI " + phone.uefiApp() + ": malformed NOKXFS (" + shown(Arrays.copyOf(first, n))
                    + (total > n ? "…" : "") + "): " + e.getMessage());
            send(out, new NokUnknown());
            return;
        }
        SimLog.LOG.debug("{} UEFI {} ← {}", phone, phone.uefiApp(), request);
        handle(request, phone, phone.uefiApp(), out);
    }

    /**
     * A phone with a write rate answers a payload message once its eMMC has written it: the phone's
     * thread sleeps on the bus clock, and the host waits (in its write, or for the reply), as with a real phone.
     */
    private void awaitEmmc(SimPhone phone) {
        java.time.Duration busy = phone.flashing().emmcBusy(control.clock().now()).plus(phone.flashing().takeReplyDelay());
        if (!busy.isZero()) {
            try {
                control.clock().sleep(busy);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the channel is closing; answer at once
            }
        }
    }

    private static final byte[] FLASH_SIGNATURE = "NOKXFS".getBytes(StandardCharsets.US_ASCII);

    /** Copies the message's first bytes into {@code dst}; returns how many there were. */
    private static int prefix(ByteBuffer[] parts, byte[] dst) {
        int at = 0;
        for (ByteBuffer p : parts) {
            int n = Math.min(dst.length - at, p.remaining());
            p.duplicate().get(dst, at, n);
            at += n;
        }
        return at;
    }

    private void handle(NokRequest r, SimPhone phone, SimUefiApp app, PhoneEndpoint out) {
        boolean boot = app == SimUefiApp.BOOT_MANAGER;
        boolean flash = app == SimUefiApp.FLASH_APP;
        boolean info = app == SimUefiApp.PHONE_INFO;
        if (r instanceof NokRequest.NokFlashHeader && flash) {
            int status = phone.flashing().header((NokRequest.NokFlashHeader) r, control.clock().now());
            send(out, new NokFlashReply(status));
        } else if (r instanceof NokRequest.NokFlashPayload && flash) {
            NokRequest.NokFlashPayload payload = (NokRequest.NokFlashPayload) r;
            if (payload.layout() == NokFlashLayout.PAYLOAD_V2 && phone.model().spec().equals("A")) {
                send(out, new NokUnknown()); // Spec A flash apps have no SyncV2 (§4.1: v2 only when the NOKV mask allows)
            } else {
                int status = phone.flashing().payload(payload, control.clock().now());
                awaitEmmc(phone);
                send(out, new NokFlashReply(status));
            }
        } else if (r instanceof NokRequest.NokInfoQuery) {
            send(out, info(app, phone.model()));
        } else if (r instanceof NokRequest.NokHello) {
            send(out, new NokEcho("NOKI"));
        } else if (r instanceof NokRequest.NokDisableTimeout) {
            send(out, new NokEcho("NOKD"));
            control.disableWatchdog();
        } else if (r instanceof NokRequest.NokReboot && (boot || flash)) {
            BootTarget target = nextReboot != null ? nextReboot : BootTarget.OS;
            nextReboot = null;
            control.reboot(target);
        } else if (r instanceof NokRequest.NokRebootToFlash && boot) {
            control.reboot(BootTarget.FLASH_APP);
        } else if (r instanceof NokRequest.NokRebootToPhoneInfo && (boot || flash)) {
            control.reboot(BootTarget.PHONE_INFO);
        } else if (r instanceof NokRequest.NokContinueBoot && (boot || info)) {
            // BootMgr continues to the OS; PhoneInfo v1 "lands in BootMgr" (lpx, §3.2).
            if (boot) {
                control.reboot(BootTarget.OS);
            } else {
                control.switchApp(SimUefiApp.BOOT_MANAGER);
            }
        } else if (r instanceof NokRequest.NokMassStorage && (boot || flash)) {
            control.reboot(BootTarget.MASS_STORAGE);
        } else if (r instanceof NokRequest.NokShutdown && (boot || flash)) {
            control.reboot(BootTarget.OFF);
        } else if (r instanceof NokRequest.NokFactoryReset && flash) {
            // Modem NV reset (§6.3): the simulated phone has no modem NV to restore; the echo is the protocol.
            send(out, new NokEcho("NOKG"));
        } else if (r instanceof NokRequest.NokContextSwitch) {
            contextSwitch(((NokRequest.NokContextSwitch) r).target(), out);
        } else if (r instanceof NokRequest.NokReadParam && flash) {
            send(out, param(((NokRequest.NokReadParam) r).name(), phone));
        } else if (r instanceof NokRequest.NokWriteParam && flash) {
            send(out, writeParam((NokRequest.NokWriteParam) r));
        } else if (r instanceof NokRequest.NokErasePartition && flash) {
            // "Data" is always allowed; other partitions need RDC/authentication (§3.2), which this phone lacks.
            boolean data = ((NokRequest.NokErasePartition) r).partition().equals("Data");
            if (data) {
                phone.eraseUserData();
            }
            send(out, new NokStatusReply("NOKXFP", data ? 0 : 0x0012));
        } else if (r instanceof NokRequest.NokPhoneInfoQuery && info) {
            Optional<String> value = phoneInfo(((NokRequest.NokPhoneInfoQuery) r).name(), phone);
            send(out, value.<NokReply>map(NokPhoneInfoReply::new).orElse(new NokUnknown()));
        } else {
            send(out, new NokUnknown());
        }
    }

    private void contextSwitch(NokSwitchTarget target, PhoneEndpoint out) {
        switch (target) {
            case FLASH_APP:
                ok(out);
                control.switchApp(SimUefiApp.FLASH_APP);
                break;
            case PHONE_INFO:
                ok(out);
                control.switchApp(SimUefiApp.PHONE_INFO);
                break;
            case BOOT_MANAGER:
                ok(out);
                control.switchApp(SimUefiApp.BOOT_MANAGER);
                break;
            case WINDOWS:
            case RESET:
                ok(out);
                control.reboot(BootTarget.OS);
                break;
            case MASS_STORAGE:
                ok(out);
                control.reboot(BootTarget.MASS_STORAGE);
                break;
            case EDL:
                ok(out);
                control.reboot(BootTarget.EDL);
                break;
            default:
                // MMOS needs an image loaded with NOKXFL first (not simulated); U/T/Z exist on UFP only.
                send(out, new NokUnknown());
        }
    }

    private static void ok(PhoneEndpoint out) {
        send(out, new NokStatusReply("NOKXCB", 0));
    }

    private NokReply writeParam(NokRequest.NokWriteParam w) {
        if (!w.name().equals("UBF")) {
            return new NokUnknown();
        }
        byte[] data = w.data();
        if (data.length == 1 && data[0] == 'Y') {
            nextReboot = BootTarget.LABEL;
        } else if (data.length == 1 && data[0] == 'M') {
            nextReboot = BootTarget.MASS_STORAGE;
        } else {
            return new NokStatusReply("NOKXFW", 0x0008);
        }
        return new NokStatusReply("NOKXFW", 0);
    }

    private static Optional<String> phoneInfo(String name, SimPhone phone) {
        switch (name) {
            case "TYPE":
                return Optional.of(phone.model().productType());
            case "CTR":
                return Optional.of(phone.productCode());
            case "IMEI":
                return Optional.of(phone.imei());
            default:
                return Optional.empty();
        }
    }

    /** The flash app's answer to {@code NOKXFR name}, from this phone's data. */
    static NokReply param(String name, SimPhone phone) {
        Optional<NokParam> known = NokParam.byWireName(name);
        if (known.isEmpty()) {
            return new NokUnknown();
        }
        SimModel model = phone.model();
        int[] v = flashAppVersion(model);
        switch (known.get()) {
            case FVER:
                return NokParamReply.ofText(NokParam.FVER, model.firmwareVersion());
            case DPI:
                return NokParamReply.ofText(NokParam.DPI, model.platformId());
            case RRKH:
                return new NokParamReply(0, "RRKH", phone.rootKeyHash());
            case SS:
                // Retail, locked: platform SB, secure-FFU eFuse, UEFI SB, crypto key on; no RDC, not authenticated.
                return NokParamReply.of(NokParam.SS, new NokParamValue.SecurityStatus(0, 1, 1, 0, 0, 0, 1, 1));
            case FCS:
                // 0x7BFF on a real 735 and 930 (nok/106, nok/108); per model in models.json.
                return NokParamReply.of(NokParam.FCS, new NokParamValue.FuseFlags(model.securityFlags()));
            case CS:
                // A phone on USB charges: a real 735 printed "29% - 39 mA (charging)" (nok/106).
                return NokParamReply.of(NokParam.CS, NokParamValue.ChargeState.of(phone.batteryPercent(), model.chargeCurrentMa()));
            case FAI:
                return NokParamReply.of(NokParam.FAI, new NokParamValue.FlashAppInfo(NokApp.FLASH_APP.type(), v[0], v[1], v[2], v[3]));
            case PID:
                // The 4-byte prefix's meaning is undocumented (§3.4): zeros.
                return NokParamReply.of(NokParam.PID, new NokParamValue.PublicId(new byte[4], phone.publicId()));
            case CID:
                // The only real trace (Lumia 520, §3.4) carries 8 CID bytes; the simulator sends as many.
                return NokParamReply.of(NokParam.CID, new NokParamValue.EmmcCid(Arrays.copyOf(phone.emmcCid(), 8)));
            case EMS:
                return NokParamReply.of(NokParam.EMS, new NokParamValue.Sectors(model.emmcSectors()));
            case SDS:
                return NokParamReply.of(NokParam.SDS, new NokParamValue.Sectors(SD_SECTORS));
            case FS:
                return NokParamReply.of(NokParam.FS, NokParamValue.FlashingStatus.of(phone.flashingIncomplete()));
            case ATRP:
            default:
                return new NokUnknown();
        }
    }

    /**
     * The {@code NOKV} reply of {@code app} on a phone of {@code model}, in the layout of the real traces
     * (FlashApp nok/101, BootMgr nok/103), with the model's versions: real Spec B phones report FlashApp
     * 2.37/2.60 (735, 640 LTE: nok/106, nok/110), 2.34/2.59 (930: nok/109), 2.41/2.75 and BootMgr
     * 2.6/2.48 (950 XL: nok/112, nok/113).
     */
    static NokvReply info(SimUefiApp app, SimModel model) {
        SimModel.AppVersion flash = model.flashApp();
        switch (app) {
            case BOOT_MANAGER: {
                SimModel.AppVersion boot = model.bootManager();
                return new NokvReply(0, NokApp.BOOT_MANAGER, boot.protocolMajor(), boot.protocolMinor(),
                        boot.appMajor(), boot.appMinor(), List.of(new NokvBlock.TransferSize(model.transferSize()),
                                new NokvBlock.FlashAppVersion(flash.protocolMajor(), flash.protocolMinor(),
                                        flash.appMajor(), flash.appMinor())));
            }
            case FLASH_APP: {
                Set<NokvBlock.FfuProtocol> protocols = EnumSet.of(NokvBlock.FfuProtocol.SYNC_V1, NokvBlock.FfuProtocol.ASYNC_V1,
                        NokvBlock.FfuProtocol.ASYNC_V3);
                if (isSpecB(model)) {
                    // Spec B flash apps take payload v2 (WriteBufferSize per message, §4.1): simulator choice.
                    protocols.add(NokvBlock.FfuProtocol.SYNC_V2);
                }
                return new NokvReply(0, NokApp.FLASH_APP, flash.protocolMajor(), flash.protocolMinor(),
                        flash.appMajor(), flash.appMinor(), List.of(
                        new NokvBlock.TransferSize(model.transferSize()),
                        new NokvBlock.WriteBufferSize(model.writeBufferSize()),
                        new NokvBlock.EmmcSectors(model.emmcSectors()),
                        new NokvBlock.SdCardSectors(SD_SECTORS),
                        NokvBlock.PlatformId.of(model.platformId()),
                        new NokvBlock.AsyncSupport(0, 1),
                        new NokvBlock.Security(3, 1, 1, 1, 0, 0, 1, 1, new byte[] {(byte) 0xFF}),
                        NokvBlock.SecureFfuProtocols.of(protocols)));
            }
            case PHONE_INFO:
                return new NokvReply(0, NokApp.PHONE_INFO, PHONE_INFO_VERSION[0], PHONE_INFO_VERSION[1],
                        PHONE_INFO_VERSION[2], PHONE_INFO_VERSION[3], List.of());
            default:
                throw new IllegalStateException("no NOKV for " + app);
        }
    }

    static boolean isSpecB(SimModel model) {
        return "B".equals(model.spec());
    }

    static int[] flashAppVersion(SimModel model) {
        SimModel.AppVersion v = model.flashApp();
        return new int[] {v.protocolMajor(), v.protocolMinor(), v.appMajor(), v.appMinor()};
    }

    private static void send(PhoneEndpoint out, NokReply reply) {
        SimLog.LOG.debug("UEFI → {}", reply);
        out.send(NokCodec.encode(reply));
    }

    private static String shown(byte[] m) {
        int n = Math.min(m.length, 16);
        return HexFormat.of().formatHex(m, 0, n) + (n < m.length ? "…" : "");
    }
}
