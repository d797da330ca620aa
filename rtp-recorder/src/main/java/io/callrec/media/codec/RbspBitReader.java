package io.callrec.media.codec;

/**
 * Reads bits and Exp-Golomb codes (H.264 §7.2, §9.1) from a NAL unit's payload, removing emulation prevention bytes
 * ({@code 00 00 03} → {@code 00 00}) on the fly. Reading past the end throws {@link MalformedPayloadException}.
 */
final class RbspBitReader {
    private final byte[] data;
    private final int end;
    private int next;
    private int zeros;
    private int current;
    private int bitsLeft;

    /** Reads {@code data[offset, offset + length)}. */
    RbspBitReader(byte[] data, int offset, int length) {
        this.data = data;
        this.next = offset;
        this.end = offset + length;
    }

    int bit() throws MalformedPayloadException {
        if (bitsLeft == 0) {
            current = nextByte();
            bitsLeft = 8;
        }
        bitsLeft--;
        return (current >>> bitsLeft) & 1;
    }

    /** {@code n} bits (0..31) as an unsigned number, most significant first. */
    int bits(int n) throws MalformedPayloadException {
        int value = 0;
        for (int i = 0; i < n; i++) {
            value = (value << 1) | bit();
        }
        return value;
    }

    boolean flag() throws MalformedPayloadException {
        return bit() == 1;
    }

    /** ue(v): unsigned Exp-Golomb. Values beyond 2^31 - 2 are not valid in any field callrec reads. */
    int ue() throws MalformedPayloadException {
        int leadingZeros = 0;
        while (bit() == 0) {
            leadingZeros++;
            if (leadingZeros > 30) {
                throw new MalformedPayloadException("Exp-Golomb code with more than 30 leading zero bits");
            }
        }
        return (1 << leadingZeros) - 1 + bits(leadingZeros);
    }

    /** se(v): signed Exp-Golomb, 1, 2, 3, 4 ... → 1, -1, 2, -2 ... */
    int se() throws MalformedPayloadException {
        int codeNum = ue();
        return (codeNum & 1) != 0 ? (codeNum + 1) / 2 : -(codeNum / 2);
    }

    private int nextByte() throws MalformedPayloadException {
        if (next >= end) {
            throw new MalformedPayloadException("parameter set ends early (" + (end - next) + " bytes left)");
        }
        int b = data[next++] & 0xff;
        if (zeros >= 2 && b == 3) {
            zeros = 0;
            if (next >= end) {
                throw new MalformedPayloadException("parameter set ends in an emulation prevention byte");
            }
            b = data[next++] & 0xff;
        }
        zeros = b == 0 ? zeros + 1 : 0;
        return b;
    }
}
