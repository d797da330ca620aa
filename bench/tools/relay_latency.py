#!/usr/bin/env python3
"""Added relay latency from a loopback capture: each RTP packet entering the relay is matched with
the same packet (same bytes: SSRC, sequence number, timestamp and payload) leaving it.

usage: relay_latency.py CAPTURE.pcap RELAY_PORTS [PAIRS.json]   (RELAY_PORTS: LOW-HIGH)
prints JSON: matched/unmatched packet counts, p50/p90/p99/p99.9/max of (t_out - t_in) in µs,
overall and per direction (toward the callee, back toward the caller), and how ports were paired.

Every SIPp call replays the same g711a.pcap and the callee echoes it, so identical packets exist in
every call and in both directions, and SIPp starts calls in bursts, so identical packets of two
calls often reach the relay within microseconds of each other. Matching "the last identical
packet seen before" would then pair packets of different calls. So each leaving packet is paired
only with the latest identical packet that entered on its partner port, the relay port of the
same call on the other side:
- with PAIRS.json ([[caller_side, callee_side], ...] from sdp_pairs.py, i.e. from the SDP the
  system sent), the partners are known exactly ("pairing": "sdp");
- without it they are guessed from timing: for every exit port, the entry port whose identical
  packets precede it most closely (median) is its partner, one to one ("pairing": "timing"). This
  is right when calls are further apart than the relay's latency, and can pair two calls started
  in the same burst the wrong way round.
A relay never sends a packet out of the port it came in on, so same-port pairs are ignored.
A packet entering is one whose destination port is in RELAY_PORTS; leaving, whose source port is.
Timestamps are tcpdump's on `lo` (taken when each sender hands the packet to the loopback device),
so the delta is: wake-up of the relay + its processing + its send call.
"""
import bisect
import json
import statistics
import sys
from collections import defaultdict

from pcapio import in_range, parse_range, udp_packets

LOOKBACK_NS = 50_000_000   # candidate entry packets are at most 50 ms older than the leaving one
MAX_PAIR_NS = 1_000_000_000


def percentiles(values):
    if not values:
        return None
    v = sorted(values)

    def p(q):
        return v[min(len(v) - 1, int(q * len(v)))]

    return {'n': len(v), 'p50_us': round(p(0.50) / 1000, 1), 'p90_us': round(p(0.90) / 1000, 1),
            'p99_us': round(p(0.99) / 1000, 1), 'p999_us': round(p(0.999) / 1000, 1),
            'max_us': round(v[-1] / 1000, 1), 'mean_us': round(sum(v) / len(v) / 1000, 1)}


def main():
    path, relay = sys.argv[1], parse_range(sys.argv[2])
    entering = defaultdict(list)      # key -> [(t, port)] in time order
    leaving = []                      # (t, port, key, toward_relay_peer_port)
    first_t = last_t = None
    for t, src, dst, payload in udp_packets(path):
        if len(payload) < 12 or payload[0] >> 6 != 2:
            continue  # not RTP (RTCP has version 2 too, but then payload type 200-204 -- kept, harmless)
        key = bytes(payload)
        if in_range(dst, relay) and not in_range(src, relay):
            entering[key].append((t, dst))
        elif in_range(src, relay) and not in_range(dst, relay):
            leaving.append((t, src, key, dst))
        else:
            continue
        first_t = t if first_t is None else first_t
        last_t = t
    times = {k: [e[0] for e in v] for k, v in entering.items()}

    partner_of_out = {}
    if len(sys.argv) > 3:
        with open(sys.argv[3]) as f:
            for caller_side, callee_side in json.load(f):
                partner_of_out[callee_side] = caller_side   # forward: in on caller side, out of callee side
                partner_of_out[caller_side] = callee_side   # back: in on callee side, out of caller side
    pairing = 'sdp' if partner_of_out else 'timing'
    if not partner_of_out:
        partner_of_out = learn_partners(entering, leaving, times)
    forward, back, unmatched = pair(entering, leaving, times, partner_of_out)
    both = forward + back
    result = {'capture_s': round((last_t - first_t) / 1e9, 2) if first_t is not None else 0,
              'pairing': pairing, 'leaving': len(leaving), 'matched': len(both), 'unmatched': unmatched,
              'port_pairs': len(partner_of_out), 'all': percentiles(both),
              'toward_callee': percentiles(forward), 'toward_caller': percentiles(back)}
    print(json.dumps(result))


def learn_partners(entering, leaving, times):
    """exit port -> entry port, from how closely identical packets precede each other"""
    deltas = defaultdict(list)        # (in_port, out_port) -> [delta]
    for t, out_port, key, _dst in leaving:
        ts = times.get(key)
        if not ts:
            continue
        hi = bisect.bisect_right(ts, t)
        lo = bisect.bisect_left(ts, t - LOOKBACK_NS)
        nearest = {}
        for i in range(lo, hi):
            _ti, in_port = entering[key][i]
            if in_port != out_port:
                nearest[in_port] = t - ts[i]  # later entries overwrite: the closest one per port wins
        for in_port, d in nearest.items():
            deltas[(in_port, out_port)].append(d)
    outs_per_port = defaultdict(int)
    for _t, out_port, _k, _d in leaving:
        outs_per_port[out_port] += 1
    candidates = []
    for (in_port, out_port), ds in deltas.items():
        if len(ds) >= max(3, outs_per_port[out_port] // 2):
            candidates.append((statistics.median(ds), in_port, out_port))
    candidates.sort()
    partner_of_out, used_in = {}, set()
    for _med, in_port, out_port in candidates:
        if out_port not in partner_of_out and in_port not in used_in:
            partner_of_out[out_port] = in_port
            used_in.add(in_port)
    return partner_of_out


def pair(entering, leaving, times, partner_of_out):
    """every leaving packet with the latest identical packet that entered on its partner port"""
    forward, back, unmatched = [], [], 0
    uas_ports = defaultdict(int)
    for _t, _p, _k, dst in leaving:
        uas_ports[dst] += 1
    # the callee (one SIPp UAS echo port) receives from every call: the most common destination
    callee_port = max(uas_ports, key=uas_ports.get) if uas_ports else None
    for t, out_port, key, dst in leaving:
        in_port = partner_of_out.get(out_port)
        entries = entering.get(key)
        if in_port is None or not entries:
            unmatched += 1
            continue
        ts = times[key]
        i = bisect.bisect_right(ts, t) - 1
        found = None
        while i >= 0 and t - ts[i] <= MAX_PAIR_NS:
            if entries[i][1] == in_port:
                found = t - ts[i]
                break
            i -= 1
        if found is None:
            unmatched += 1
            continue
        (forward if dst == callee_port else back).append(found)
    return forward, back, unmatched


if __name__ == '__main__':
    main()
