#!/usr/bin/env python3
"""Counts the RTP packets on the four legs around the relay, from a header-only capture of the whole run.

usage: leg_counts.py CAPTURE.pcap UAC_PORTS RELAY_PORTS CALLEE_PORT   (ranges as LOW-HIGH)
prints JSON:
  caller_to_relay   what the callers sent into the relay
  relay_to_callee   what the relay forwarded to the callee (SIPp UAS, which echoes it)
  callee_to_relay   what the callee echoed back into the relay
  relay_to_caller   what the relay forwarded back to the callers
  uac_ports         distinct caller media ports seen
so that a loss can be put where it happened: in the relay (in minus out, per direction) or at the
callee (relay_to_callee minus what the UAS says it echoed: its socket buffer overflowed).

A capture is an observer outside both systems under test: the same count for callrec and
rtpengine, whatever each of them reports about itself. (RTP sequence gaps are not used: SIPp
replays the same 236-packet file four times per call, so sequence numbers restart.)
"""
import json
import sys

from pcapio import in_range, parse_range, udp_packets


def main():
    path, uac, relay, callee = sys.argv[1], parse_range(sys.argv[2]), parse_range(sys.argv[3]), int(sys.argv[4])
    c = {'caller_to_relay': 0, 'relay_to_callee': 0, 'callee_to_relay': 0, 'relay_to_caller': 0}
    ports = set()
    for _t, src, dst, _payload in udp_packets(path):
        if in_range(src, uac) and in_range(dst, relay):
            c['caller_to_relay'] += 1
            ports.add(src)
        elif in_range(src, relay) and dst == callee:
            c['relay_to_callee'] += 1
        elif src == callee and in_range(dst, relay):
            c['callee_to_relay'] += 1
        elif in_range(src, relay) and in_range(dst, uac):
            c['relay_to_caller'] += 1
    c['uac_ports'] = len(ports)
    print(json.dumps(c))


if __name__ == '__main__':
    main()
