#!/usr/bin/env python3
"""One continuous RTP stream from COPIES back-to-back replays of a short RTP pcap.

usage: long_pcap.py IN.pcap OUT.pcap COPIES GAP_S
Copy k is shifted by k * GAP_S seconds, its RTP sequence numbers by k * (packets in IN) and its RTP
timestamps by k * GAP_S * clock (8 kHz, G.711), so a receiver sees one stream without restarts, as
from a real phone. (Replaying g711a.pcap four times restarts sequence numbers and timestamps: a
recorder drops copies 2-4 as late duplicates and writes 7 s of a 28 s call.) The UDP checksum is
zeroed (allowed on IPv4) since the payload changes; everything else is kept byte for byte.
"""
import struct
import sys

CLOCK = 8000


def main():
    src, dst, copies, gap = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    data = open(src, 'rb').read()
    if struct.unpack('<I', data[:4])[0] != 0xa1b2c3d4:
        sys.exit(f'{src}: expected a little-endian microsecond pcap')
    linktype = struct.unpack('<I', data[20:24])[0]
    l2 = {1: 14, 113: 16, 101: 0}[linktype]
    records, pos = [], 24
    while pos + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack('<IIII', data[pos:pos + 16])
        records.append((sec * 1_000_000 + usec, orig, bytearray(data[pos + 16:pos + 16 + incl])))
        pos += 16 + incl
    with open(dst, 'wb') as f:
        f.write(data[:24])
        for k in range(copies):
            for t_us, orig, frame in records:
                frame = bytearray(frame)
                udp = l2 + (frame[l2] & 0x0f) * 4
                rtp = udp + 8
                frame[udp + 6:udp + 8] = b'\0\0'
                seq, ts = struct.unpack('>HI', frame[rtp + 2:rtp + 8])
                struct.pack_into('>HI', frame, rtp + 2, (seq + k * len(records)) & 0xffff,
                                 (ts + round(k * gap * CLOCK)) & 0xffffffff)
                t = t_us + round(k * gap * 1e6)
                f.write(struct.pack('<IIII', t // 1_000_000, t % 1_000_000, len(frame), orig))
                f.write(frame)


if __name__ == '__main__':
    main()
