package dev.lumiaagent.device;

/** What the agent can learn about a phone; each mode gives a subset (lumia-protocols.md §2.3, §3.3, §3.4). */
public enum InfoField {
    PORT("port", "Port"),
    MODE("mode", "Mode"),
    PERSONALITY("personality", "USB personality"),
    VID_PID("vidPid", "VID:PID"),
    UEFI_APP("uefiApp", "UEFI app"),
    PRODUCT_TYPE("productType", "Product type"),
    MODEL_NAME("manufacturerModelName", "Model name"),
    PRODUCT_CODE("productCode", "Product code"),
    IMEI("imei", "IMEI"),
    IMEI2("imei2", "IMEI (SIM 2)"),
    PUBLIC_ID("publicId", "Public ID"),
    USB_SERIAL("usbSerial", "USB serial"),
    OS_VERSION("osVersion", "OS version"),
    FIRMWARE_VERSION("firmwareVersion", "Firmware version"),
    AK_VERSION("akVersion", "AK version"),
    BSP_VERSION("bspVersion", "BSP version"),
    HW_VERSION("hwVersion", "Hardware version"),
    OPERATOR("operatorName", "Operator"),
    BATTERY_PERCENT("batteryPercent", "Battery (%)"),
    CHARGE_CURRENT_MA("chargeCurrentMilliAmps", "Charge current (mA)"),
    PLATFORM_ID("platformId", "Platform ID"),
    ROOT_KEY_HASH("rootKeyHash", "Root-key hash"),
    SECURITY_MODE("securityMode", "Security mode"),
    PLATFORM_SECURE_BOOT("platformSecureBoot", "Platform secure boot"),
    SECURE_FFU("secureFfu", "Secure FFU"),
    UEFI_SECURE_BOOT("uefiSecureBoot", "UEFI secure boot"),
    BOOTLOADER_SECURE("bootloaderSecure", "Bootloader secure"),
    FLASH_PROTOCOL("flashProtocol", "Flash app protocol"),
    APP_VERSION("appVersion", "UEFI app version"),
    FLASH_PROTOCOLS("secureFlashProtocols", "Secure-flash protocols"),
    MAX_TRANSFER_SIZE("maxTransferSize", "Max transfer size"),
    WRITE_BUFFER_SIZE("writeBufferSize", "Write buffer size"),
    EMMC_SECTORS("emmcSectors", "eMMC size (sectors)"),
    EMMC_MANUFACTURER("emmcManufacturer", "eMMC manufacturer"),
    CHIP_SERIAL("chipSerial", "Chip serial (Sahara)"),
    MSM_HW_ID("msmHwId", "MSM HW ID"),
    FLASHING_INCOMPLETE("flashingIncomplete", "Last flash incomplete"),
    RESET_PROTECTION("resetProtection", "Reset protection");

    private final String jsonName;
    private final String label;

    InfoField(String jsonName, String label) {
        this.jsonName = jsonName;
        this.label = label;
    }

    public String jsonName() {
        return jsonName;
    }

    public String label() {
        return label;
    }
}
