#!/usr/bin/env python3
"""Insert RFC 4733 telephone-events (key presses) into a pcap of one RTP audio stream.

SIPp plays the result with -key pcap_audio, so a SIPp caller can type callrec's feature codes
(for uac_dtmf_request.xml). The input is a classic little-endian pcap of 20 ms RTP packets over IPv4
(Ethernet, Linux cooked or raw IP), e.g. Debian's /usr/share/sip-tester/g711a.pcap or one made by
ffmpeg. The events reuse the audio packets' addresses and SSRC and share their sequence space.

    python3 dtmf-pcap.py /usr/share/sip-tester/g711a.pcap star-star-1.pcap '**1'
    python3 dtmf-pcap.py IN.pcap OUT.pcap '*71' --first-ms 300 --spacing-ms 400 --payload-type 101

Each key lasts 60 ms (three updates) followed by three end packets, as phones send it.
"""
import argparse
import struct
import sys

EVENTS = "0123456789*#ABCD"
LINK_HEADERS = {1: 14, 113: 16, 101: 0}
# Duration field of the six packets of one key press, in 8 kHz timestamp units.
DURATIONS = (160, 320, 480, 640, 640, 640)


def read_pcap(path):
    data = open(path, "rb").read()
    if len(data) < 24 or struct.unpack_from("<I", data, 0)[0] != 0xA1B2C3D4:
        sys.exit(f"{path}: not a little-endian classic pcap")
    link_type = struct.unpack_from("<I", data, 20)[0]
    if link_type not in LINK_HEADERS:
        sys.exit(f"{path}: link type {link_type} not handled (Ethernet, Linux cooked or raw IPv4)")
    link = LINK_HEADERS[link_type]
    packets, p = [], 24
    while p + 16 <= len(data):
        sec, usec, caplen, _ = struct.unpack_from("<IIII", data, p)
        frame = bytearray(data[p + 16:p + 16 + caplen])
        if len(frame) < link + 20 or frame[link] >> 4 != 4:
            sys.exit(f"{path}: packet at byte {p} is not IPv4")
        ihl = (frame[link] & 0x0F) * 4
        packets.append((sec * 1_000_000 + usec, frame, link, link + ihl + 8))
        p += 16 + caplen
    if not packets:
        sys.exit(f"{path}: holds no packet")
    return data[:24], packets


def ip_checksum(header):
    total = sum(struct.unpack(f">{len(header) // 2}H", header))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def event_packet(model, micros, payload_type, timestamp, event, end, duration, marker):
    _, frame, ip, rtp = model
    f = bytearray(frame[:rtp + 12]) + bytearray(4)
    ihl = rtp - 8 - ip
    struct.pack_into(">H", f, ip + 2, len(f) - ip)      # IP total length
    struct.pack_into(">H", f, ip + 10, 0)
    struct.pack_into(">H", f, ip + 10, ip_checksum(bytes(f[ip:ip + ihl])))
    struct.pack_into(">HH", f, rtp - 4, 12 + 4 + 8, 0)  # UDP length, no checksum
    f[rtp + 1] = (0x80 if marker else 0) | payload_type
    struct.pack_into(">I", f, rtp + 4, timestamp)
    f[rtp + 12] = event
    f[rtp + 13] = (0x80 if end else 0) | 10            # E bit, volume -10 dBm0
    struct.pack_into(">H", f, rtp + 14, duration)
    return (micros, f, ip, rtp)


def with_digits(packets, digits, first_ms, spacing_ms, payload_type):
    out, nxt, start = [], 0, packets[0][0]
    for i, key in enumerate(digits):
        at = start + (first_ms + i * spacing_ms) * 1000
        while nxt < len(packets) and packets[nxt][0] <= at:
            out.append(packets[nxt])
            nxt += 1
        model = packets[max(0, nxt - 1)]
        timestamp = struct.unpack_from(">I", model[1], model[3] + 4)[0]
        event = EVENTS.index(key.upper())
        for k, duration in enumerate(DURATIONS):
            out.append(event_packet(model, at + k * 20_000, payload_type, timestamp, event, k >= 3, duration, k == 0))
    out.extend(packets[nxt:])
    out.sort(key=lambda pk: pk[0])
    seq = struct.unpack_from(">H", out[0][1], out[0][3] + 2)[0]
    for _, frame, _, rtp in out:
        struct.pack_into(">H", frame, rtp + 2, seq & 0xFFFF)
        seq += 1
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("digits", help="keys from 0-9 * # A-D, e.g. '**1'")
    parser.add_argument("--first-ms", type=int, default=300, help="first key after this much audio (300)")
    parser.add_argument("--spacing-ms", type=int, default=400, help="from one key to the next (400)")
    parser.add_argument("--payload-type", type=int, default=101, help="telephone-event payload type (101)")
    args = parser.parse_args()
    bad = [k for k in args.digits if k.upper() not in EVENTS]
    if not args.digits or bad:
        sys.exit(f"digits must be 0-9 * # A-D, got {args.digits!r}")
    if not 96 <= args.payload_type <= 127:
        sys.exit(f"payload type {args.payload_type} is not dynamic (96-127)")
    header, packets = read_pcap(args.input)
    out = with_digits(packets, args.digits, args.first_ms, args.spacing_ms, args.payload_type)
    with open(args.output, "wb") as f:
        f.write(header)
        for micros, frame, _, _ in out:
            f.write(struct.pack("<IIII", micros // 1_000_000, micros % 1_000_000, len(frame), len(frame)))
            f.write(frame)
    print(f"{args.output}: {len(packets)} audio packets, {len(args.digits)} keys ({args.digits})")


if __name__ == "__main__":
    main()
