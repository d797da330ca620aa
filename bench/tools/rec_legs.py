#!/usr/bin/env python3
"""Packets on the four legs around the relay for rec-bench.sh, audio and video apart.

usage: rec_legs.py CAPTURE.pcap UAC_MP N VIDEO_BASE RELAY_PORTS UAS_MP
  audio: SIPp caller k sends from and receives on UAC_MP + 4(k-1); the callee echoes on UAS_MP
  video: video_sender.py sends call k from VIDEO_BASE + k - 1; the relay sends the echo to the port of
         the offer, UAC_MP + 4(k-1) + 2; the callee echoes video on UAS_MP + 2
prints JSON with leg_counts.py's keys (audio + video summed, so collect.py's loss figures apply) and
the same four counts per medium under "audio" and "video".
"""
import json
import sys

from pcapio import in_range, parse_range, udp_packets

LEGS = ('caller_to_relay', 'relay_to_callee', 'callee_to_relay', 'relay_to_caller')


def main():
    path, uac, n, vbase = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    relay, uas = parse_range(sys.argv[5]), int(sys.argv[6])
    c = {m: dict.fromkeys(LEGS, 0) for m in ('audio', 'video')}
    ports = set()

    def caller_port(p):  # 'audio', 'video' or None for a port of the callers
        if uac <= p < uac + 4 * n:
            return {0: 'audio', 2: 'video'}.get((p - uac) % 4)
        return 'video' if vbase <= p < vbase + n else None

    for _t, src, dst, _payload in udp_packets(path):
        if in_range(dst, relay) and caller_port(src):
            c[caller_port(src)]['caller_to_relay'] += 1
            ports.add(src)
        elif in_range(src, relay) and dst in (uas, uas + 2):
            c['audio' if dst == uas else 'video']['relay_to_callee'] += 1
        elif src in (uas, uas + 2) and in_range(dst, relay):
            c['audio' if src == uas else 'video']['callee_to_relay'] += 1
        elif in_range(src, relay) and caller_port(dst):
            c[caller_port(dst)]['relay_to_caller'] += 1
    out = {k: c['audio'][k] + c['video'][k] for k in LEGS}
    out.update(c, uac_ports=len(ports))
    print(json.dumps(out))


if __name__ == '__main__':
    main()
