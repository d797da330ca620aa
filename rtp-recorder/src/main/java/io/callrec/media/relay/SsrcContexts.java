package io.callrec.media.relay;

import io.callrec.media.srtp.CryptoContext;

import java.util.Arrays;

/**
 * The crypto contexts of one leg and direction, one per SSRC, at most {@code capacity} of them: a few linear probes
 * of an int array find one without hashing, boxing or allocating. Relay thread only.
 */
final class SsrcContexts<C extends CryptoContext> {
    private final int[] ssrcs;
    private final CryptoContext[] contexts;
    private int size;

    SsrcContexts(int capacity) {
        this.ssrcs = new int[capacity];
        this.contexts = new CryptoContext[capacity];
    }

    /** The context of {@code ssrc}, or null. */
    @SuppressWarnings("unchecked")
    C find(int ssrc) {
        for (int i = 0; i < size; i++) {
            if (ssrcs[i] == ssrc) {
                return (C) contexts[i];
            }
        }
        return null;
    }

    boolean isFull() {
        return size == ssrcs.length;
    }

    /** Adds the context of an SSRC that has none yet; the caller checked {@link #isFull()}. */
    void add(C context) {
        ssrcs[size] = context.ssrc();
        contexts[size++] = context;
    }

    void clear() {
        Arrays.fill(contexts, 0, size, null);
        size = 0;
    }
}
