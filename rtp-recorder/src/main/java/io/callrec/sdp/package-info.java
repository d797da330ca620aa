/**
 * SDP (RFC 8866) parsing and the media-anchoring rewrite the B2BUA applies to every SDP it relays.
 *
 * <p>{@link io.callrec.sdp.SessionDescription} keeps the original lines, so a rewrite changes only
 * the lines that must point at our relay and leaves every other line byte for byte in place.
 */
package io.callrec.sdp;
