#!/usr/bin/env python3
"""Self-test of rec-bench.sh's capture tools on synthetic captures with known answers.

usage: python3 bench/tools/rec_selftest.py     -> prints OK or raises AssertionError

rec_legs.py: two calls, audio and video; one video packet from caller 2 is lost in the relay, one
audio echo to caller 1 is lost in the relay, and packets of strangers (another bench's ports) are
not counted. long_pcap.py: three copies of a two-packet stream continue sequence numbers, RTP
timestamps and capture times.
"""
import os
import struct
import subprocess
import sys
import tempfile

from pcapio import udp_packets
from selftest import packet, rtp, run, write_pcap

HERE = os.path.dirname(os.path.abspath(__file__))
UAC, VID, UAS = 52000, 55000, 18000


def legs_capture(path):
    recs, t = [], 0
    for k in (1, 2):
        caller_a, caller_v, sender_v = UAC + 4 * (k - 1), UAC + 4 * (k - 1) + 2, VID + k - 1
        relay = 56000 + 8 * (k - 1)   # caller side a/v, callee side a/v
        for seq in range(10):
            t += 1000
            recs += [(t, caller_a, relay, rtp(seq)), (t + 1, relay + 4, UAS, rtp(seq)),
                     (t + 2, UAS, relay + 4, rtp(seq))]
            if not (k == 1 and seq == 3):
                recs.append((t + 3, relay, caller_a, rtp(seq)))
            recs.append((t + 4, sender_v, relay + 2, rtp(seq)))
            if not (k == 2 and seq == 5):
                recs += [(t + 5, relay + 6, UAS + 2, rtp(seq)), (t + 6, UAS + 2, relay + 6, rtp(seq)),
                         (t + 7, relay + 2, caller_v, rtp(seq))]
    recs.append((t + 10, 50000, 40000, rtp(0)))   # relay-bench's ports: not ours
    write_pcap(path, recs)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        cap = os.path.join(tmp, 'legs.pcap')
        legs_capture(cap)
        got = run('rec_legs.py', cap, UAC, 2, VID, '56000-58999', UAS)
        assert got['audio'] == {'caller_to_relay': 20, 'relay_to_callee': 20, 'callee_to_relay': 20,
                                'relay_to_caller': 19}, got
        assert got['video'] == {'caller_to_relay': 20, 'relay_to_callee': 19, 'callee_to_relay': 19,
                                'relay_to_caller': 19}, got
        assert got['caller_to_relay'] == 40 and got['relay_to_caller'] == 38 and got['uac_ports'] == 4, got

        short, long_ = os.path.join(tmp, 'short.pcap'), os.path.join(tmp, 'long.pcap')
        with open(short, 'wb') as f:   # microsecond pcap, as Debian's g711a.pcap
            f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
            for i, seq in enumerate((65534, 65535)):
                data = packet(2006, 16000, rtp(seq))
                f.write(struct.pack('<IIII', 0, 30_000 * i, len(data), len(data)) + data)
        subprocess.check_call([sys.executable, os.path.join(HERE, 'long_pcap.py'), short, long_, '3', '0.06'])
        out = [(t // 1000, struct.unpack('>HI', p[2:8])) for t, _s, _d, p in udp_packets(long_)]
        base_ts = 65534 * 240
        want = [(us, (seq & 0xffff, (base_ts + ts_add) & 0xffffffff))
                for us, seq, ts_add in [(0, 65534, 0), (30_000, 65535, 240), (60_000, 65536, 480),
                                        (90_000, 65537, 720), (120_000, 65538, 960), (150_000, 65539, 1200)]]
        assert out == want, out
    print('OK')


if __name__ == '__main__':
    sys.path.insert(0, HERE)
    main()
