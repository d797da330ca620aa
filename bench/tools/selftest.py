#!/usr/bin/env python3
"""Self-test of the capture tools on synthetic captures with known answers (no network, no root).

usage: python3 bench/tools/selftest.py     -> prints OK or raises AssertionError

The hard case for relay_latency.py is the one SIPp creates: every call replays the same packets,
and the callee echoes them, so identical bytes travel in several calls and both directions at
nearly the same time. Two calls carry identical streams, the relay adds 30 µs in call 1 and 70 µs
in call 2 (forward) and 40/90 µs (back). 100 µs apart, timing alone pairs them right; 20 µs apart
only the SDP (sdp_pairs.py) does: a cross-call pairing would report 10 and 90 µs forward.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def packet(src, dst, payload):
    udp = struct.pack('>HHHH', src, dst, 8 + len(payload), 0) + payload
    ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
    eth = b'\0' * 12 + b'\x08\x00'
    return eth + ip + udp


def write_pcap(path, records):
    """records: (t_ns, src, dst, payload); written as a nanosecond pcap, in time order."""
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b23c4d, 2, 4, 0, 0, 65535, 1))
        for t, src, dst, payload in sorted(records):
            data = packet(src, dst, payload)
            f.write(struct.pack('<IIII', t // 1_000_000_000, t % 1_000_000_000, len(data), len(data)))
            f.write(data)


def rtp(seq):
    return struct.pack('>BBHII', 0x80, 8, seq, seq * 240, 0x1234) + bytes([seq % 256]) * 160


def sip(first_line, call_id, cseq, port):
    body = f'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio {port} RTP/AVP 8\r\n'
    return (f'{first_line}\r\nCall-ID: {call_id}\r\nCSeq: 1 {cseq}\r\nContent-Type: application/sdp\r\n'
            f'Content-Length: {len(body)}\r\n\r\n{body}').encode()


def run(tool, *args):
    return json.loads(subprocess.check_output([sys.executable, os.path.join(HERE, tool)] + [str(a) for a in args]))


def capture(offset_ns):
    """Two calls with identical streams offset_ns apart; relay delays fwd 30/70 µs, back 40/90 µs;
    the last back packet of call 2 is lost in the relay."""
    callee = 17000
    calls = [(50000, 40000, 40002, 0, 30_000, 40_000), (50004, 40004, 40006, offset_ns, 70_000, 90_000)]
    recs = []
    for caller, r_a, r_b, offset, d_fwd, d_back in calls:
        for seq in range(200):
            t = 1_000_000_000 + seq * 30_000_000 + offset
            p = rtp(seq)
            recs.append((t, caller, r_a, p))                        # caller -> relay
            recs.append((t + d_fwd, r_b, callee, p))                # relay -> callee
            recs.append((t + d_fwd + 20_000, callee, r_b, p))       # callee echo -> relay
            if seq != 199 or caller != 50004:
                recs.append((t + d_fwd + 20_000 + d_back, r_a, caller, p))  # relay -> caller
    return recs


def main():
    with tempfile.TemporaryDirectory() as d:
        # 1. calls 100 µs apart (more than the relay's delay): timing alone pairs the ports right
        path = os.path.join(d, 'a.pcap')
        write_pcap(path, capture(100_000))
        lat = run('relay_latency.py', path, '40000-44999')
        legs = run('leg_counts.py', path, '50000-59999', '40000-44999', 17000)
        assert lat['pairing'] == 'timing' and lat['unmatched'] == 0, lat
        fw, bk = lat['toward_callee'], lat['toward_caller']
        assert fw['n'] == 400 and bk['n'] == 399, lat
        assert fw['max_us'] == 70.0 and fw['mean_us'] == 50.0 and fw['p50_us'] in (30.0, 70.0), fw
        assert bk['max_us'] == 90.0 and bk['p50_us'] in (40.0, 90.0), bk
        assert legs == {'caller_to_relay': 400, 'relay_to_callee': 400, 'callee_to_relay': 400,
                        'relay_to_caller': 399, 'uac_ports': 2}, legs

        # 2. calls 20 µs apart (less than the delay): the SDP tells which ports belong together.
        # Call 1 is a B2BUA call (two Call-IDs, linked by the log line), call 2 a proxied one (one Call-ID).
        recs = capture(20_000)
        recs += [(900_000_000, 15060, 15090, sip('SIP/2.0 200 OK', 'A1', 'INVITE', 40000)),
                 (899_000_000, 15060, 15080, sip('INVITE sip:x@127.0.0.1 SIP/2.0', 'B1', 'INVITE', 40002)),
                 (900_000_000, 15060, 15090, sip('SIP/2.0 200 OK', 'C2', 'INVITE', 40004)),
                 (899_000_000, 15060, 15080, sip('INVITE sip:x@127.0.0.1 SIP/2.0', 'C2', 'INVITE', 40006))]
        path = os.path.join(d, 'b.pcap')
        write_pcap(path, recs)
        log = os.path.join(d, 'callrec.log')
        with open(log, 'w') as f:
            f.write('INFO  call - call=c1 a=A1 b=B1 INVITE sip:x@127.0.0.1 -> sip:x@127.0.0.1 (direct)\n')
        pairs = run('sdp_pairs.py', path, 15090, 15080, log)
        assert sorted(pairs) == [[40000, 40002], [40004, 40006]], pairs
        pairs_file = os.path.join(d, 'pairs.json')
        with open(pairs_file, 'w') as f:
            json.dump(pairs, f)
        lat = run('relay_latency.py', path, '40000-44999', pairs_file)
        fw, bk = lat['toward_callee'], lat['toward_caller']
        assert lat['pairing'] == 'sdp' and lat['unmatched'] == 0, lat
        # the true deltas only: 30 and 70 µs forward, 40 and 90 µs back (a cross-call pairing gives 10 or 90 forward)
        assert fw['max_us'] == 70.0 and fw['p50_us'] in (30.0, 70.0) and fw['mean_us'] == 50.0, fw
        assert bk['max_us'] == 90.0 and bk['p50_us'] in (40.0, 90.0), bk
    print('OK')


if __name__ == '__main__':
    main()
