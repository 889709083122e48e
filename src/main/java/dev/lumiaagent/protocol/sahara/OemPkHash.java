package dev.lumiaagent.protocol.sahara;

import dev.lumiaagent.protocol.wire.ProtocolException;
import java.util.Arrays;

/**
 * The OEM public-key hash (root-key hash) of client command 0x03. Devices return one digest, the
 * digest repeated once per root certificate, or a zero-padded digest (edl-protocol.md §2.5). Rules
 * implemented, in order:
 * <ol>
 *   <li>Repetition: for a digest size n of 32, 48, 64 (SHA-256/384/512), if the payload holds at least
 *       2n bytes and bytes n..2n equal bytes 0..n, the hash is the first n bytes (qdl "trims a repeated
 *       copy"; bkerler's first-4-bytes rule is weaker, comparing whole digests avoids false cuts).</li>
 *   <li>Otherwise strip trailing zero bytes and round the length up to 32, 48 or 64 (qdl), so a digest
 *       that itself ends in zero bytes keeps them.</li>
 *   <li>An all-zero payload gives 32 zero bytes: an unfused engineering device (§4.4, WPinternals).</li>
 *   <li>More than 64 significant bytes without repetition is not a digest: {@link ProtocolException}.</li>
 * </ol>
 */
public final class OemPkHash {
    private static final int[] SIZES = {32, 48, 64};

    private OemPkHash() {
    }

    public static byte[] trim(byte[] payload) {
        for (int n : SIZES) {
            if (payload.length >= 2 * n && Arrays.equals(payload, 0, n, payload, n, 2 * n)) {
                return Arrays.copyOf(payload, n);
            }
        }
        int end = payload.length;
        while (end > 0 && payload[end - 1] == 0) {
            end--;
        }
        for (int n : SIZES) {
            if (end <= n) {
                return Arrays.copyOf(payload, n); // zero-extends if the payload itself was shorter
            }
        }
        throw new ProtocolException("OEM PK hash reply has " + end + " significant bytes and no repeated digest: "
                + "not a 32/48/64-byte hash");
    }
}
