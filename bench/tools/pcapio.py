"""Minimal reader of classic pcap files as tcpdump writes them on `lo` (IPv4/UDP only).

Only what the relay benchmark needs: timestamp, UDP ports and the UDP payload (as far as the
snap length kept it). No dependency beyond the standard library, so the benchmark runs wherever
tcpdump and python3 do.
"""
import struct

LINKTYPE_ETHERNET = 1      # tcpdump -i lo on Linux
LINKTYPE_LINUX_SLL = 113   # tcpdump -i any
LINKTYPE_RAW = 101


def udp_packets(path):
    """Yields (t_ns, src_port, dst_port, payload) for every IPv4 UDP packet in the capture.

    t_ns is an integer number of nanoseconds (whole microseconds for a microsecond capture);
    payload is the captured part of the UDP payload (may be shorter than the datagram)."""
    with open(path, 'rb') as f:
        header = f.read(24)
        if len(header) < 24:
            return
        magic = struct.unpack('<I', header[:4])[0]
        if magic in (0xa1b2c3d4, 0xa1b23c4d):
            endian = '<'
        elif magic in (0xd4c3b2a1, 0x4d3cb2a1):
            endian = '>'
        else:
            raise ValueError(f'{path}: not a classic pcap file (magic {magic:#x}); use tcpdump -w')
        nanos = magic in (0xa1b23c4d, 0x4d3cb2a1)
        linktype = struct.unpack(endian + 'I', header[20:24])[0] & 0xffff
        if linktype == LINKTYPE_ETHERNET:
            l2 = 14
        elif linktype == LINKTYPE_LINUX_SLL:
            l2 = 16
        elif linktype == LINKTYPE_RAW:
            l2 = 0
        else:
            raise ValueError(f'{path}: unsupported link type {linktype}')
        rec = struct.Struct(endian + 'IIII')
        while True:
            h = f.read(16)
            if len(h) < 16:
                return
            sec, frac, incl, _orig = rec.unpack(h)
            data = f.read(incl)
            if len(data) < incl:
                return
            ip = l2
            if len(data) < ip + 28 or data[ip] >> 4 != 4 or data[ip + 9] != 17:
                continue
            ihl = (data[ip] & 0x0f) * 4
            udp = ip + ihl
            src, dst = struct.unpack('>HH', data[udp:udp + 4])
            t_ns = sec * 1_000_000_000 + (frac if nanos else frac * 1000)
            yield t_ns, src, dst, data[udp + 8:]


def in_range(port, rng):
    return rng[0] <= port <= rng[1]


def parse_range(text):
    """'40000-44999' -> (40000, 44999)"""
    lo, hi = text.split('-', 1)
    return int(lo), int(hi)
