package dev.lumiaagent.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lumiaagent.protocol.ncsd.DeviceMode;
import dev.lumiaagent.protocol.ncsd.NcsdCodec;
import dev.lumiaagent.protocol.ncsd.NcsdError;
import dev.lumiaagent.protocol.ncsd.NcsdRequest;
import dev.lumiaagent.protocol.ncsd.NcsdResponse;
import dev.lumiaagent.protocol.ncsd.ResetMethod;
import dev.lumiaagent.protocol.wire.ProtocolException;
import java.util.Objects;
import java.util.Optional;

/**
 * The normal-mode (and label-mode: same protocol, lumia-protocols.md §2) phone: a JSON-RPC peer that
 * parses each host message tolerantly with {@link NcsdCodec#decodeRequest}, answers one reply per
 * request in the phone's pretty form, echoing the id, and reboots on {@code SetDeviceMode} without
 * replying.
 *
 * <p>Assumptions, since no source shows them (§9): an unknown method gets the JSON-RPC 2.0 error
 * {@code -32601 "Method not found"}; bad params get {@code -32602 "Invalid params"}; boolean data are
 * JSON booleans, {@code BatteryLevel} a JSON number. Simulated phones are single-SIM retail phones:
 * {@code SubscriptionId} 1 is rejected, secure boot and secure FFU are on, the boot policy is
 * {@code Unsecure} and the certificates {@code SecureProduction} (ncsd/001, 002). {@code ReadHwVersion}, {@code ReadBtId}, {@code ReadWlanMacAddress} and
 * {@code ReadSimlockActive} answer as the real logs show (ncsd/001-004, member names from ncsd/007).
 * Methods for which the model table holds no data (AK version, PSN, NV/EFS access,
 * {@code TerminalChallenge}, …) get "Method not found" rather than made-up values.
 */
public final class SimNcsdFirmware implements SimFirmware {
    /** Region / variant suffix of the manufacturer model name; real ones look like {@code _eu_denmark_251}. */
    static final String VARIANT_SUFFIX = "_ww_sim_000";
    /** Operator name of an unbranded simulated phone (real example {@code 000-NL}). */
    static final String OPERATOR_NAME = "000-WW";

    private final SimPhoneControl control;
    private final SimPhone phone;
    /** The first reply of this connection comes late, as on real phones (ncsd/001: 144 ms after arrival). */
    private boolean replied;

    public SimNcsdFirmware(SimPhoneControl control) {
        this.control = Objects.requireNonNull(control, "control");
        this.phone = Objects.requireNonNull(control.phone(), "control.phone()");
    }

    @Override
    public void onHostMessage(byte[] message, PhoneEndpoint out) {
        NcsdRequest request = decode(message);
        if (request == null) {
            return;
        }
        SimLog.LOG.debug("{}: {}", phone, request);
        if (request.messageVersion().isEmpty()) {
            phone.recordViolation("request without MessageVersion (every known host sends 0): " + request);
        }
        if (request.method().equals("SetDeviceMode")) {
            setDeviceMode(request, out);
            return;
        }
        NcsdResponse response = answer(request);
        firstReplyLatency();
        SimLog.LOG.debug("{}: {}", phone, response);
        out.send(NcsdCodec.encodeResponse(response, NcsdCodec.ResponseStyle.PHONE));
    }

    /**
     * The nak-next fault: a JSON-RPC error for whatever was asked. The real error object is not in
     * any source (lumia-protocols.md §9); -32000 "Command refused" is the simulator's choice.
     */
    @Override
    public void refuse(byte[] message, PhoneEndpoint out) {
        NcsdRequest request = decode(message);
        if (request == null) {
            return;
        }
        out.send(NcsdCodec.encodeResponse(NcsdResponse.ofError(request.id(),
                new NcsdError(-32000, "Command refused", null)), NcsdCodec.ResponseStyle.PHONE));
    }

    private void firstReplyLatency() {
        if (replied) {
            return;
        }
        replied = true;
        java.time.Duration delay = control.firstJsonReply();
        if (!delay.isZero()) {
            try {
                control.clock().sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the channel is closing; answer at once
            }
        }
    }

    /** The request, or null after recording the host's mistake (a real NCSd would drop it silently). */
    private NcsdRequest decode(byte[] message) {
        try {
            return NcsdCodec.decodeRequest(message);
        } catch (ProtocolException e) {
            phone.recordViolation("normal-mode JSON-RPC channel got a message that is not a request: " + e.getMessage());
            return null;
        }
    }

    private NcsdResponse answer(NcsdRequest request) {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        SimModel model = phone.model();
        switch (request.method()) {
            case "ReadProductCode":
                result.put("ProductCode", phone.productCode());
                break;
            case "ReadManufacturerModelName":
                // Per model, as real phones print it: "RM-1038_1012" (ncsd/001), "RM-914_apac_australia_new_zealand_295" (ncsd/006).
                result.put("ManufacturerModelName", model.manufacturerModelName().isEmpty()
                        ? model.productType() + VARIANT_SUFFIX : model.manufacturerModelName());
                break;
            case "ReadHwVersion":
                // "HWID: 1000" (735, ncsd/001), "2003" (930, ncsd/002), "2140" (640 LTE, ncsd/004); member name
                // HWVersion per WPinternals' annotations (ncsd/007). A string: the annotations quote it.
                result.put("HWVersion", model.hwVersion());
                break;
            case "ReadBtId":
                // Member BtId, 6 bytes as an int array (ncsd/007); printed "Bluetooth MAC" (ncsd/001-004).
                result.set("BtId", NcsdCodec.byteArray(phone.btId()));
                break;
            case "ReadWlanMacAddress": {
                // WlanMacAddress1..4, each 6 bytes (ncsd/007); four consecutive addresses on real phones (ncsd/001, 002, 004).
                byte[][] macs = phone.wlanMacs();
                for (int i = 0; i < macs.length; i++) {
                    result.set("WlanMacAddress" + (i + 1), NcsdCodec.byteArray(macs[i]));
                }
                break;
            }
            case "ReadSimlockActive":
                // Member SimLockActive, a boolean (ncsd/007); "Simlock: Active" on an AT&T 640 LTE (ncsd/004),
                // "Unlocked" on the 735 and 930s (ncsd/001-003).
                result.put("SimLockActive", model.simlockActive());
                break;
            case "ReadSwVersion":
                result.put("SwVersion", model.swVersion());
                break;
            case "ReadOsVersion":
                result.put("OsVersion", model.osVersion());
                break;
            case "ReadBspVersion":
                // The one real pair (§2.3) has BspVersion = the first two groups of SwVersion.
                result.put("BspVersion", firstGroups(model.swVersion(), 2));
                break;
            case "ReadSerialNumber": {
                Optional<NcsdError> bad = checkSubscription(request.params());
                if (bad.isPresent()) {
                    return NcsdResponse.ofError(request.id(), bad.get());
                }
                result.put("SerialNumber", phone.imei());
                break;
            }
            case "ReadPublicId":
                result.set("PublicId", NcsdCodec.byteArray(phone.publicId()));
                break;
            case "ReadBatteryLevel":
                result.put("BatteryLevel", phone.batteryPercent());
                break;
            case "ReadOperatorName":
                result.put("OperatorName", OPERATOR_NAME);
                break;
            case "GetSecurityMode":
                result.put("SecMode", "Restricted");
                break;
            case "ReadSecureFfuEnabled":
                result.put("SecureFfuEnabled", true);
                break;
            case "ReadPlatformSecureBootEnabled":
                result.put("PlatformSecureBootEnabled", true);
                break;
            case "ReadUefiSecureBootEnabled":
                result.put("UefiSecureBootEnabled", true);
                break;
            case "ReadProductionDoneState":
                result.put("ProductionDone", true);
                break;
            case "GetUefiCertificateStatus":
                // Every retail phone in the captures prints "Boot policy: Unsecure" with DB/DBX/KEK/PK
                // SecureProduction (ncsd/001 735, ncsd/002 930); the AT&T 640 LTE printed "DBX: Unknown" (ncsd/004),
                // which the simulator gives the carrier-locked model. Assumed: that "Unknown" goes with the SIM
                // lock is this simulator's choice (one capture; listed in docs/personalities.md).
                result.put("BootPolicy", "Unsecure");
                result.put("Db", "SecureProduction");
                result.put("Dbx", model.simlockActive() ? "Unknown" : "SecureProduction");
                result.put("Kek", "SecureProduction");
                result.put("Pk", "SecureProduction");
                break;
            default:
                return NcsdResponse.ofError(request.id(), new NcsdError(NcsdError.METHOD_NOT_FOUND, "Method not found"));
        }
        return NcsdResponse.ofResult(request.id(), result);
    }

    /** SIM slot 0 only: simulated phones are single-SIM. An absent SubscriptionId means slot 0. */
    private static Optional<NcsdError> checkSubscription(ObjectNode params) {
        JsonNode sub = params.get("SubscriptionId");
        if (sub == null || (sub.isIntegralNumber() && sub.longValue() == 0)) {
            return Optional.empty();
        }
        return Optional.of(new NcsdError(NcsdError.INVALID_PARAMS, "Invalid params",
                JsonNodeFactory.instance.textNode("no subscription " + sub + " on a single-SIM phone")));
    }

    /**
     * §5: the phone reboots and sends nothing (WPinternals never reads). Bad params are answered with an
     * error instead, since the phone stays up.
     */
    private void setDeviceMode(NcsdRequest request, PhoneEndpoint out) {
        JsonNode modeParam = request.params().get("DeviceMode");
        JsonNode resetParam = request.params().get("ResetMethod");
        Optional<DeviceMode> mode = modeParam != null && modeParam.isTextual()
                ? DeviceMode.fromWire(modeParam.asText()) : Optional.empty();
        Optional<ResetMethod> reset = resetParam == null ? Optional.of(ResetMethod.NONE)
                : resetParam.isTextual() ? ResetMethod.fromWire(resetParam.asText()) : Optional.empty();
        if (mode.isEmpty() || reset.isEmpty()) {
            NcsdError error = new NcsdError(NcsdError.INVALID_PARAMS, "Invalid params",
                    JsonNodeFactory.instance.textNode("DeviceMode " + modeParam + ", ResetMethod " + resetParam));
            out.send(NcsdCodec.encodeResponse(NcsdResponse.ofError(request.id(), error), NcsdCodec.ResponseStyle.PHONE));
            return;
        }
        BootTarget target = target(mode.get());
        SimLog.LOG.debug("{}: SetDeviceMode {} ({}) → reboot to {}", phone, mode.get().wireName(), reset.get(), target);
        control.reboot(target);
    }

    private static BootTarget target(DeviceMode mode) {
        switch (mode) {
            case NORMAL:
                return BootTarget.OS;
            case FLASH:
                return BootTarget.FLASH_APP;
            case TEST:
                return BootTarget.LABEL;
            case POWER_OFF:
                return BootTarget.OFF;
            default:
                throw new IllegalStateException("unhandled device mode " + mode);
        }
    }

    private static String firstGroups(String version, int groups) {
        String[] parts = version.split("\\.");
        return String.join(".", java.util.Arrays.copyOf(parts, Math.min(groups, parts.length)));
    }
}
