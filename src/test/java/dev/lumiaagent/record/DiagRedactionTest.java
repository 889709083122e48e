package dev.lumiaagent.record;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DiagRedactionTest {
    private static final String IMEI = "356938035643809";
    private static final String SERIAL = "1A2B3C4D5E6F7081";

    @Test
    void theHomeDirectoryIsAlwaysTilde() {
        DiagRedaction r = DiagRedaction.homeOnly("/home/alice");
        assertThat(r.apply("ffu: /home/alice/firmware/RM-914.ffu, home /home/alice.")).isEqualTo("ffu: ~/firmware/RM-914.ffu, home ~.");
        // not another user's home, not a path that merely contains it
        assertThat(r.apply("/home/alice2/x /srv/home/alice/x")).isEqualTo("/home/alice2/x /srv/home/alice/x");
        assertThat(r.apply(IMEI)).isEqualTo(IMEI); // identities only with --redact
        assertThat(DiagRedaction.homeOnly("/").apply("/etc/hosts")).isEqualTo("/etc/hosts");
        assertThat(DiagRedaction.homeOnly(null).apply("/home/alice")).isEqualTo("/home/alice");
        DiagRedaction w = DiagRedaction.homeOnly("C:\\Users\\alice");
        assertThat(w.apply("C:\\Users\\alice\\x.ffu and {\"f\": \"C:\\\\Users\\\\alice\\\\x.ffu\"} and C:/Users/alice/x"))
                .isEqualTo("~\\x.ffu and {\"f\": \"~\\\\x.ffu\"} and ~/x");
    }

    @Test
    void identitiesBecomeStablePlaceholdersInEveryFormATraceShows() {
        DiagRedaction r = DiagRedaction.identities("/home/alice").imei(IMEI).usbSerial(SERIAL).publicId("00A1FF10")
                .publicId("4120FF324F");
        String text = "imei " + IMEI + " serial " + SERIAL.toLowerCase() + " again " + IMEI
                + " hex 33 35 36 39 33 38 30 33 35 36 34 33 38 30 39 |356938035643809|"
                + " utf16 31 00 41 00 32 00 42 00 33 00 43 00 34 00 44 00 35 00 45 00 36 00 46 00 37 00 30 00 38 00 31 00"
                + " |1.A.2.B.3.C.4.D.5.E.6.F.7.0.8.1.| pid 00a1ff10 raw 00 A1 FF 10 |NOK.A .2O| json \"PublicId\":[0, 161,255,16]"
                + " other 490154203237518 not-luhn 490154203237517 path /home/alice/jobs";
        String out = r.apply(text);
        assertThat(out).doesNotContain(IMEI).doesNotContainIgnoringCase(SERIAL).doesNotContain("33 35 36 39 33 38")
                .doesNotContain("31 00 41 00").doesNotContain("1.A.2.B").doesNotContain("A .2O").doesNotContainIgnoringCase("00a1ff10").doesNotContain("00 A1 FF 10")
                .doesNotContain("161,255").doesNotContain("490154203237518").doesNotContain("/home/alice");
        assertThat(out).contains("imei IMEI-1 serial SERIAL-1 again IMEI-1").contains("other IMEI-2")
                .contains("not-luhn 490154203237517").contains("pid PUBLICID-1").contains("path ~/jobs");
        // the same value gets the same placeholder in the next entry too
        assertThat(r.apply("x 490154203237518 " + IMEI)).isEqualTo("x IMEI-2 IMEI-1");
    }
}
