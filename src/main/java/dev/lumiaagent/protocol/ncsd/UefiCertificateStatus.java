package dev.lumiaagent.protocol.ncsd;

import java.util.Objects;

/**
 * {@code GetUefiCertificateStatus}: which key set each UEFI secure-boot variable holds, e.g.
 * {@code "SecureProduction"} on a retail phone, {@code "Unsecure"} on an engineering one
 * (lumia-protocols.md §2.3, WPinternals issue #49).
 */
public record UefiCertificateStatus(String bootPolicy, String db, String dbx, String kek, String pk) {
    public UefiCertificateStatus {
        Objects.requireNonNull(bootPolicy, "bootPolicy");
        Objects.requireNonNull(db, "db");
        Objects.requireNonNull(dbx, "dbx");
        Objects.requireNonNull(kek, "kek");
        Objects.requireNonNull(pk, "pk");
    }

    @Override
    public String toString() {
        return "BootPolicy=" + bootPolicy + " Db=" + db + " Dbx=" + dbx + " Kek=" + kek + " Pk=" + pk;
    }
}
