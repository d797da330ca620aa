package io.callrec.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SIP torture messages of RFC 4475 and RFC 5118 kept under {@code src/test/resources/torture/}: the index of
 * cases ({@code index.txt}, whose header explains each column), each message's wire bytes and the SHA-256 of each
 * message in the RFCs' own archives ({@code sha256sums.txt}).
 */
public final class TortureIndex {
    private static final String DIR = "/torture/";

    private TortureIndex() {
    }

    /** Every case, in the index's order. */
    public static List<TortureCase> cases() {
        List<TortureCase> cases = new ArrayList<>();
        int number = 0;
        for (String line : read("index.txt").split("\n")) {
            number++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] c = line.split("\\s*(?<!\\\\)\\|\\s*", -1);
            if (c.length != 7) {
                throw new IllegalArgumentException("index.txt:" + number + ": " + c.length + " columns, not 7");
            }
            try {
                String rewrite = c[3].trim();
                cases.add(new TortureCase(c[0].trim(), c[1].trim(), List.of(c[2].trim().split(",")),
                        rewrite.equals("none") ? Set.of() : Set.of(rewrite.split("\\s+")),
                        TortureCase.Expectation.parse(unescape(c[4])), TortureCase.Expectation.parse(unescape(c[5])),
                        c[6].trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("index.txt:" + number + ": " + e.getMessage(), e);
            }
        }
        return cases;
    }

    /** The cases of one RFC ({@code rfc4475} or {@code rfc5118}). */
    public static List<TortureCase> cases(String rfc) {
        return cases().stream().filter(c -> c.name().startsWith(rfc + "/")).toList();
    }

    /** The wire bytes of message {@code name} ({@code rfc4475/wsinv}). */
    public static byte[] message(String name) {
        return RfcMarkup.expand(read(name + ".sip"));
    }

    /** Message name to the SHA-256 (hex) of its bytes in the RFC's archive. */
    public static Map<String, String> archiveSha256() {
        Map<String, String> sums = new LinkedHashMap<>();
        for (String line : read("sha256sums.txt").split("\n")) {
            if (!line.isBlank()) {
                String[] parts = line.split("\\s+");
                sums.put(parts[1], parts[0]);
            }
        }
        return sums;
    }

    private static String unescape(String column) {
        return column.trim().replace("\\|", "|");
    }

    private static String read(String resource) {
        try (InputStream in = TortureIndex.class.getResourceAsStream(DIR + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + DIR + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
