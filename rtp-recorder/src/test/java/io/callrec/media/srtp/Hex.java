package io.callrec.media.srtp;

import java.util.HexFormat;

/** Hex as RFCs print it: groups separated by spaces and line breaks. */
final class Hex {
    private Hex() {
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
    }

    static String of(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
