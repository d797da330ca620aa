#!/usr/bin/env python3
"""Call setup time seen by the caller: first INVITE sent -> first 200 (CSeq INVITE) received, per Call-ID.

usage: sip_setup_times.py CAPTURE.pcap UAC_SIP_PORT
prints JSON: calls with a 200, calls without, p50/p99/max in ms.
SIPp's own -trace_rtt is in whole milliseconds of its scheduler tick, too coarse for a loopback
setup time of a few hundred microseconds; the capture has microsecond timestamps.
"""
import json
import re
import sys

from pcapio import udp_packets

CALL_ID = re.compile(rb'^(?:Call-ID|i)\s*:\s*(\S+)', re.I | re.M)
CSEQ = re.compile(rb'^CSeq\s*:\s*\d+\s+(\w+)', re.I | re.M)


def main():
    path, uac = sys.argv[1], int(sys.argv[2])
    invite_at, ok_at = {}, {}
    for t, src, dst, payload in udp_packets(path):
        first = payload[:payload.find(b'\r\n')] if b'\r\n' in payload else payload[:64]
        cid = CALL_ID.search(payload)
        if not cid:
            continue
        cid = cid.group(1)
        if src == uac and first.startswith(b'INVITE '):
            invite_at.setdefault(cid, t)
        elif dst == uac and first.startswith(b'SIP/2.0 200'):
            cseq = CSEQ.search(payload)
            if cseq and cseq.group(1).upper() == b'INVITE':
                ok_at.setdefault(cid, t)
    d = sorted((ok_at[c] - t0) / 1e6 for c, t0 in invite_at.items() if c in ok_at and ok_at[c] >= t0)
    res = {'invites': len(invite_at), 'answered': len(d)}
    if d:
        res.update({'p50_ms': round(d[len(d) // 2], 3), 'p99_ms': round(d[min(len(d) - 1, int(0.99 * len(d)))], 3),
                    'max_ms': round(d[-1], 3)})
    print(json.dumps(res))


if __name__ == '__main__':
    main()
