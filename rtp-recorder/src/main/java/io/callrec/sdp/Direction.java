package io.callrec.sdp;

import java.util.Optional;

/** Media direction attribute (RFC 8866 §6.7). */
public enum Direction {
    SENDRECV("sendrecv"),
    SENDONLY("sendonly"),
    RECVONLY("recvonly"),
    INACTIVE("inactive");

    private final String attribute;

    Direction(String attribute) {
        this.attribute = attribute;
    }

    /** The direction as seen from the other end: what one side sends, the other receives. */
    public Direction reverse() {
        return switch (this) {
            case SENDONLY -> RECVONLY;
            case RECVONLY -> SENDONLY;
            default -> this;
        };
    }

    /** True when the side that wrote this SDP sends media. */
    public boolean sends() {
        return this == SENDRECV || this == SENDONLY;
    }

    /** True when the side that wrote this SDP wants to receive media. */
    public boolean receives() {
        return this == SENDRECV || this == RECVONLY;
    }

    /** The attribute name as written in SDP, e.g. {@code sendonly}. */
    public String attribute() {
        return attribute;
    }

    /** The direction named by an attribute name ({@code "sendonly"} etc.), or empty for any other attribute. */
    public static Optional<Direction> fromAttribute(String name) {
        for (Direction d : values()) {
            if (d.attribute.equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
