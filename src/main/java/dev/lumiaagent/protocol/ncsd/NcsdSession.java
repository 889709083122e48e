package dev.lumiaagent.protocol.ncsd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lumiaagent.protocol.wire.ProtocolException;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.time.Deadline;
import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.TransferTimeout;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The normal-mode (and label-mode) JSON-RPC conversation with one phone over one {@link Link}
 * (lumia-protocols.md §2). One request at a time; ids count from 0 per session, as WPinternals does.
 *
 * <p>Transport faults throw {@code TransportException}; bytes that do not parse throw
 * {@link ProtocolException}; a JSON-RPC error is returned as a value. The info helpers return an
 * {@link NcsdAnswer}, so a method the phone rejects is absent, never a made-up default.
 */
public final class NcsdSession {
    /** How long a reply may take: LSU waits up to 5 s (§2.2). */
    public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofSeconds(5);
    /** How long {@link #setDeviceMode} listens for an optional reply: WDRT's 500 ms window (§2.2). */
    public static final Duration SET_DEVICE_MODE_DRAIN = Duration.ofMillis(500);
    /** WPinternals' JSON read buffer (§1.2). */
    private static final int READ_BUFFER = 0x10000;

    private static final Logger LOG = LoggerFactory.getLogger(NcsdSession.class);

    private final Link link;
    private final Duration replyTimeout;
    private final NcsdStreamFramer framer;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER);
    private long nextId;

    public NcsdSession(Link link) {
        this(link, DEFAULT_REPLY_TIMEOUT, NcsdCodec.MAX_MESSAGE_BYTES);
    }

    /**
     * @param replyTimeout the bound for each info helper's request and reply
     * @param maxMessageBytes the largest reply reassembled on a stream link before it is called a desync
     */
    public NcsdSession(Link link, Duration replyTimeout, int maxMessageBytes) {
        this.link = Objects.requireNonNull(link, "link");
        this.replyTimeout = positive(replyTimeout, "reply timeout");
        this.framer = new NcsdStreamFramer(maxMessageBytes);
    }

    public Link link() {
        return link;
    }

    /** Sends {@code method} with no params beyond {@code MessageVersion} and returns the reply. */
    public NcsdResponse call(String method, Duration timeout) {
        return call(method, JsonNodeFactory.instance.objectNode(), timeout);
    }

    /**
     * Writes one request and reads until the reply with its id arrives. Replies with other ids (late
     * answers to earlier requests) are logged and dropped. The whole exchange, write included, is
     * bounded by {@code timeout}.
     *
     * @throws TransferTimeout when no matching reply arrived in time
     * @throws ProtocolException when the phone sent bytes that are not a JSON-RPC reply
     */
    public synchronized NcsdResponse call(String method, ObjectNode params, Duration timeout) {
        positive(timeout, "timeout");
        Deadline deadline = Deadline.after(AgentClock.system(), timeout); // transfer time is real time
        NcsdRequest request = NcsdRequest.of(nextId++, method, params);
        send(request, timeout);
        int[] received = {0};
        while (true) {
            NcsdResponse response = NcsdCodec.decodeResponse(readMessage(deadline, timeout, received));
            if (response.answers(request.id().longValue())) {
                LOG.debug("{} {}", link.describe(), response);
                return response;
            }
            LOG.warn("{}: dropped a reply with id {} while waiting for #{} {}: {}", link.describe(), response.id(),
                    request.id(), method, response);
        }
    }

    /**
     * {@code SetDeviceMode}: the phone reboots toward {@code mode} (§2.4, §5). WPinternals writes this
     * and never reads; fg reads one reply. So this does not wait for an answer: it listens for
     * {@link #SET_DEVICE_MODE_DRAIN} so that a reply, if the phone sends one, is not left on the link,
     * and returns it (a rejection shows up here as an error value).
     */
    public Optional<NcsdResponse> setDeviceMode(DeviceMode mode, ResetMethod reset) {
        return setDeviceMode(mode, reset, SET_DEVICE_MODE_DRAIN);
    }

    public synchronized Optional<NcsdResponse> setDeviceMode(DeviceMode mode, ResetMethod reset, Duration drain) {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(reset, "reset");
        positive(drain, "drain");
        ObjectNode params = JsonNodeFactory.instance.objectNode();
        params.put("DeviceMode", mode.wireName());
        reset.wireName().ifPresent(r -> params.put("ResetMethod", r));
        NcsdRequest request = NcsdRequest.of(nextId++, "SetDeviceMode", params);
        send(request, replyTimeout);
        Deadline deadline = Deadline.after(AgentClock.system(), drain);
        int[] received = {0};
        try {
            while (true) {
                NcsdResponse response = NcsdCodec.decodeResponse(readMessage(deadline, drain, received));
                if (response.answers(request.id().longValue())) {
                    LOG.debug("{} {}", link.describe(), response);
                    return Optional.of(response);
                }
                LOG.warn("{}: dropped a reply with id {} after SetDeviceMode #{}", link.describe(), response.id(),
                        request.id());
            }
        } catch (TransferTimeout | DeviceGone expected) {
            // The phone is going down: silence or a vanished device is the normal outcome.
            LOG.debug("{}: no reply to SetDeviceMode {} ({})", link.describe(), mode.wireName(), expected.getMessage());
            return Optional.empty();
        }
    }

    // ---- info helpers (§2.3) -------------------------------------------------------------------

    /** {@code ReadProductCode}: the CTR, e.g. {@code 059Q9D7}. */
    public NcsdAnswer<String> productCode() {
        return text("ReadProductCode", "ProductCode");
    }

    public NcsdAnswer<String> basicProductCode() {
        return text("ReadBasicProductCode", "BasicProductCode");
    }

    public NcsdAnswer<String> moduleCode() {
        return text("ReadModuleCode", "ModuleCode");
    }

    /** {@code ReadPsn}: the product serial number, e.g. {@code CEP737370}. */
    public NcsdAnswer<String> psn() {
        return text("ReadPsn", "Psn");
    }

    /** {@code ReadManufacturerModelName}, e.g. {@code RM-821_eu_denmark_251}. */
    public NcsdAnswer<String> manufacturerModelName() {
        return text("ReadManufacturerModelName", "ManufacturerModelName");
    }

    /** The product type: the manufacturer model name up to its first {@code _}, e.g. {@code RM-821}. */
    public NcsdAnswer<String> productType() {
        NcsdAnswer<String> name = manufacturerModelName();
        return name.map(text -> {
            int cut = text.indexOf('_');
            String type = (cut < 0 ? text : text.substring(0, cut)).trim();
            return type.isEmpty() ? new NcsdAnswer.Missing<>(name.method(), "ManufacturerModelName \"" + text
                    + "\" names no product type") : new NcsdAnswer.Value<>(name.method(), type);
        });
    }

    public NcsdAnswer<String> swVersion() {
        return text("ReadSwVersion", "SwVersion");
    }

    public NcsdAnswer<String> akVersion() {
        return text("ReadAkVersion", "AkVersion");
    }

    public NcsdAnswer<String> bspVersion() {
        return text("ReadBspVersion", "BspVersion");
    }

    /** {@code ReadOsVersion}; no source shows its result member, {@code OsVersion} is assumed. */
    public NcsdAnswer<String> osVersion() {
        return read("ReadOsVersion", null, "OsVersion", true, NcsdSession::asText, "text");
    }

    /** {@code ReadHwVersion} → {@code HWVersion} (LSU's label-mode code spells it {@code ReadHWVersion}). */
    public NcsdAnswer<String> hwVersion() {
        return text("ReadHwVersion", "HWVersion");
    }

    /**
     * {@code ReadSerialNumber}: the IMEI of SIM slot {@code subscriptionId} (0 or 1). A single-SIM phone
     * is expected to reject slot 1; that is an absent answer.
     */
    public NcsdAnswer<String> imei(int subscriptionId) {
        if (subscriptionId != 0 && subscriptionId != 1) {
            throw new IllegalArgumentException("SubscriptionId is 0 or 1: " + subscriptionId);
        }
        ObjectNode params = JsonNodeFactory.instance.objectNode().put("SubscriptionId", subscriptionId);
        return read("ReadSerialNumber", params, "SerialNumber", false, NcsdSession::asText, "text");
    }

    /** {@code ReadOperatorName}, e.g. {@code 000-NL}. */
    public NcsdAnswer<String> operatorName() {
        return text("ReadOperatorName", "OperatorName");
    }

    /** {@code ReadPublicId}: 20 bytes, sent as a JSON int array. */
    public NcsdAnswer<byte[]> publicId() {
        return read("ReadPublicId", null, "PublicId", false, NcsdCodec::bytesOf, "an array of bytes");
    }

    /** {@code ReadBtId}: the Bluetooth address, 6 bytes as a JSON int array. */
    public NcsdAnswer<byte[]> btId() {
        return read("ReadBtId", null, "BtId", false, NcsdCodec::bytesOf, "an array of bytes");
    }

    /**
     * {@code ReadBatteryLevel} in percent. The JSON type is unknown (§9); WDRT reads a number or a
     * quoted number alike (§2.2), and so does this.
     */
    public NcsdAnswer<Integer> batteryLevel() {
        return read("ReadBatteryLevel", null, "BatteryLevel", false, NcsdSession::asPercent, "a percentage");
    }

    /** {@code GetSecurityMode} → {@code SecMode}, e.g. {@code Restricted}. */
    public NcsdAnswer<String> securityMode() {
        return text("GetSecurityMode", "SecMode");
    }

    /** {@code ReadSecureFfuEnabled}; result member assumed {@code SecureFfuEnabled} (not shown in any source). */
    public NcsdAnswer<Boolean> secureFfuEnabled() {
        return read("ReadSecureFfuEnabled", null, "SecureFfuEnabled", true, NcsdSession::asBoolean, "a boolean");
    }

    /** {@code ReadPlatformSecureBootEnabled}; member assumed {@code PlatformSecureBootEnabled}. */
    public NcsdAnswer<Boolean> platformSecureBootEnabled() {
        return read("ReadPlatformSecureBootEnabled", null, "PlatformSecureBootEnabled", true, NcsdSession::asBoolean,
                "a boolean");
    }

    /** {@code ReadUefiSecureBootEnabled}; member assumed {@code UefiSecureBootEnabled}. */
    public NcsdAnswer<Boolean> uefiSecureBootEnabled() {
        return read("ReadUefiSecureBootEnabled", null, "UefiSecureBootEnabled", true, NcsdSession::asBoolean,
                "a boolean");
    }

    /** {@code ReadDebugDisabled}; member assumed {@code DebugDisabled}. */
    public NcsdAnswer<Boolean> debugDisabled() {
        return read("ReadDebugDisabled", null, "DebugDisabled", true, NcsdSession::asBoolean, "a boolean");
    }

    /** {@code ReadProductionDoneState} → {@code ProductionDone}: a bool or "true"/"false" (§2.3). */
    public NcsdAnswer<Boolean> productionDone() {
        return read("ReadProductionDoneState", null, "ProductionDone", false, NcsdSession::asBoolean, "a boolean");
    }

    /** {@code ReadSimlockActive} → {@code SimLockActive} (WPinternals' spelling). */
    public NcsdAnswer<Boolean> simLockActive() {
        return read("ReadSimlockActive", null, "SimLockActive", false, NcsdSession::asBoolean, "a boolean");
    }

    /** {@code GetUefiCertificateStatus}: all of {@code BootPolicy, Db, Dbx, Kek, Pk}, or absent. */
    public NcsdAnswer<UefiCertificateStatus> uefiCertificateStatus() {
        String method = "GetUefiCertificateStatus";
        NcsdResponse response = call(method, replyTimeout);
        if (response.isError()) {
            return new NcsdAnswer.Rejected<>(method, response.error().orElseThrow());
        }
        ObjectNode result = response.result().orElseThrow();
        String[] names = {"BootPolicy", "Db", "Dbx", "Kek", "Pk"};
        String[] values = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            JsonNode v = result.get(names[i]);
            if (v == null || !v.isTextual()) {
                return new NcsdAnswer.Missing<>(method, names[i] + (v == null ? " not in result " + result
                        : " is " + v.getNodeType() + ", expected text"));
            }
            values[i] = v.asText();
        }
        return new NcsdAnswer.Value<>(method, new UefiCertificateStatus(values[0], values[1], values[2], values[3],
                values[4]));
    }

    // ---- plumbing ------------------------------------------------------------------------------

    private NcsdAnswer<String> text(String method, String member) {
        return read(method, null, member, false, NcsdSession::asText, "text");
    }

    /**
     * One info call. When {@code memberAssumed} (no source shows the member's name) and the result has
     * exactly one other member, that member is read instead: the phone's own answer, not a guess.
     */
    private <T> NcsdAnswer<T> read(String method, ObjectNode params, String member, boolean memberAssumed,
                                   Function<JsonNode, Optional<T>> convert, String expected) {
        NcsdResponse response = call(method, params == null ? JsonNodeFactory.instance.objectNode() : params,
                replyTimeout);
        if (response.isError()) {
            return new NcsdAnswer.Rejected<>(method, response.error().orElseThrow());
        }
        ObjectNode result = response.result().orElseThrow();
        JsonNode value = result.get(member);
        if (value == null && memberAssumed && result.size() == 1) {
            String only = result.fieldNames().next();
            LOG.debug("{}: {} answered with member {} instead of the assumed {}", link.describe(), method, only, member);
            value = result.get(only);
        }
        if (value == null) {
            return new NcsdAnswer.Missing<>(method, member + " not in result " + result);
        }
        Optional<T> converted = convert.apply(value);
        if (converted.isEmpty()) {
            return new NcsdAnswer.Missing<>(method, member + " is " + value + ", expected " + expected);
        }
        return new NcsdAnswer.Value<>(method, converted.get());
    }

    private static Optional<String> asText(JsonNode node) {
        return node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
    }

    private static Optional<Boolean> asBoolean(JsonNode node) {
        if (node.isBoolean()) {
            return Optional.of(node.booleanValue());
        }
        if (node.isTextual()) {
            String t = node.asText().trim();
            if (t.equalsIgnoreCase("true")) {
                return Optional.of(true);
            }
            if (t.equalsIgnoreCase("false")) {
                return Optional.of(false);
            }
        }
        if (node.isIntegralNumber() && (node.longValue() == 0 || node.longValue() == 1)) {
            return Optional.of(node.longValue() == 1);
        }
        return Optional.empty();
    }

    private static Optional<Integer> asPercent(JsonNode node) {
        long level;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            level = node.longValue();
        } else if (node.isTextual() && node.asText().trim().matches("[0-9]{1,3}")) {
            level = Long.parseLong(node.asText().trim());
        } else {
            return Optional.empty();
        }
        return level >= 0 && level <= 100 ? Optional.of((int) level) : Optional.empty();
    }

    private void send(NcsdRequest request, Duration timeout) {
        LOG.debug("{} {}", link.describe(), request);
        link.write(ByteBuffer.wrap(NcsdCodec.encodeRequest(request)), timeout);
    }

    /**
     * The next whole message: one transfer on a packet link, one brace-matched object on a stream
     * link. {@code received[0]} counts bytes read in this exchange, for the timeout's report.
     */
    private byte[] readMessage(Deadline deadline, Duration timeout, int[] received) {
        while (true) {
            if (!link.keepsBoundaries()) {
                Optional<byte[]> whole = framer.next();
                if (whole.isPresent()) {
                    return whole.get();
                }
            }
            Duration left = deadline.remainingRealOrThrow(() -> new TransferTimeout(TransferTimeout.Direction.IN, timeout, received[0]));
            readBuffer.clear();
            int n;
            try {
                n = link.read(readBuffer, left);
            } catch (TransferTimeout t) {
                throw new TransferTimeout(TransferTimeout.Direction.IN, timeout, received[0] + t.bytesMoved());
            }
            received[0] += n;
            if (link.keepsBoundaries()) {
                if (n > 0) { // a zero-length packet ends nothing here: there is no message before it
                    return Arrays.copyOf(readBuffer.array(), n);
                }
            } else {
                framer.feed(readBuffer.array(), 0, n);
            }
        }
    }

    private static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
        return d;
    }

    @Override
    public String toString() {
        return "NcsdSession over " + link.describe() + ", next id " + nextId;
    }
}
