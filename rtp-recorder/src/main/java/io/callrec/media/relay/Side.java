package io.callrec.media.relay;

/** The two parties of a relayed call: {@code A} is the caller's leg, {@code B} the callee's leg. */
public enum Side {
    A, B;

    /** The party on the other end of the call. */
    public Side other() {
        return this == A ? B : A;
    }
}
