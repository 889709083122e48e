package dev.lumiaagent.device;

import dev.lumiaagent.protocol.ncsd.NcsdAnswer;
import dev.lumiaagent.protocol.ncsd.NcsdSession;
import dev.lumiaagent.protocol.wire.Bytes;

/**
 * Reads a phone in normal or label mode over Nokia JSON-RPC (lumia-protocols.md §2.3). A method the
 * phone rejects leaves its field absent; the first call also proves the phone answers at all (a
 * {@code TransferTimeout} from it ends the read).
 */
final class NormalModeReader {
    private NormalModeReader() {
    }

    static DeviceInfo read(NcsdSession s) {
        DeviceInfo.Builder b = DeviceInfo.builder();
        NcsdAnswer<String> modelName = s.manufacturerModelName();
        b.put(InfoField.MODEL_NAME, modelName.value());
        b.put(InfoField.PRODUCT_TYPE, modelName.value().map(NormalModeReader::productTypeOf));
        b.put(InfoField.PRODUCT_CODE, s.productCode().value());
        b.put(InfoField.IMEI, s.imei(0).value());
        b.put(InfoField.PUBLIC_ID, s.publicId().value().map(Bytes::hex));
        b.put(InfoField.OS_VERSION, s.osVersion().value());
        b.put(InfoField.FIRMWARE_VERSION, s.swVersion().value());
        b.put(InfoField.AK_VERSION, s.akVersion().value());
        b.put(InfoField.BSP_VERSION, s.bspVersion().value());
        b.put(InfoField.HW_VERSION, s.hwVersion().value());
        b.put(InfoField.OPERATOR, s.operatorName().value());
        b.put(InfoField.BATTERY_PERCENT, s.batteryLevel().value());
        b.put(InfoField.SECURITY_MODE, s.securityMode().value());
        b.put(InfoField.PLATFORM_SECURE_BOOT, s.platformSecureBootEnabled().value());
        b.put(InfoField.SECURE_FFU, s.secureFfuEnabled().value());
        b.put(InfoField.UEFI_SECURE_BOOT, s.uefiSecureBootEnabled().value());
        return b.build();
    }

    /** Only what identifies the phone: IMEI and public ID (two calls, for re-confirmation). */
    static PhoneIdentity identity(NcsdSession s) {
        return new PhoneIdentity(s.imei(0).value().orElse(null), s.publicId().value().map(Bytes::hex).orElse(null));
    }

    /** "RM-821_eu_denmark_251" → "RM-821" (the product type is the text before the first '_'). */
    static String productTypeOf(String manufacturerModelName) {
        int cut = manufacturerModelName.indexOf('_');
        return cut > 0 ? manufacturerModelName.substring(0, cut) : manufacturerModelName;
    }
}
