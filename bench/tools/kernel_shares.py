#!/usr/bin/env python3
"""Where a relay process's CPU goes, split into its own work and work the benchmark puts on it.

usage: kernel_shares.py OUT.json SECONDS PID      (also writes OUT.perf.data)

Samples every thread of PID with `perf record -g` (needs perf and root) for SECONDS and sorts each
sample by the kernel functions on its stack, first match wins:
  icmp       an ICMP "port unreachable" made or delivered: the relay sent toward a port nobody
             has bound (SIPp's caller binds UAC_MP and UAC_MP + 2 only, while call k's SDP names
             UAC_MP + 4(k-1)), and the kernel answers each such packet inside the relay's sendto
  raw        a UDP packet offered to SIPp's raw sockets (its pcap play opens one per call, and the
             kernel walks them all for every UDP packet delivered on the host)
  capture    the bench's own tcpdump (packet taps on the loopback device)
  kernel     any other kernel work (the relay's real send, receive, epoll, scheduling)
  user       user space (for a JVM also the JIT and the GC threads)

Why: the relay's CPU per packet includes the kernel delivering each packet it sends, inline in its
sendto, with everything the load generator and the capture hang on that delivery. Both relays of a
run pay it for each packet they send, so it adds the same amount to both sides of the CPU ratio.
These shares say how large that part is; they do not replace the CPU figure of the window (sampling
itself costs a little, so take it after the window, as relay-bench.sh does with PROFILE_S).
"""
import json
import os
import subprocess
import sys

# first match wins, so that an ICMP reply seen by the capture counts as ICMP
CATEGORIES = [
    ('icmp', ('__icmp_send', 'icmp_send', 'icmp_rcv', 'icmp_unreach', 'icmp_push_reply',
              '__udp4_lib_err', 'icmp_reply')),
    ('raw', ('raw_local_deliver', 'raw_v4_input', 'raw_rcv')),
    ('capture', ('dev_queue_xmit_nit', 'tpacket_rcv', 'packet_rcv', 'run_filter')),
]


def classify(frames, kernel_leaf):
    names = set(frames)
    for category, functions in CATEGORIES:
        if any(f in names for f in functions):
            return category
    return 'kernel' if kernel_leaf else 'user'


def samples(data):
    """Yields (comm, [symbols leaf first], leaf_is_kernel) per sample of `perf script`."""
    out = subprocess.run(['perf', 'script', '-i', data, '-F', 'comm,tid,ip,sym,dso'],
                         capture_output=True, text=True, check=True).stdout
    comm, frames, kernel = None, [], False
    for line in out.splitlines() + ['']:
        if not line.strip():
            if comm is not None:
                yield comm, frames, kernel
            comm, frames, kernel = None, [], False
            continue
        if comm is None:
            comm = ' '.join(line.split()[:-1])  # "C2 CompilerThre 1234": the name may hold spaces
            continue
        parts = line.split()
        sym = parts[1] if len(parts) > 1 else '?'
        if not frames:
            kernel = '[kernel.kallsyms]' in line
        frames.append(sym.split('+')[0])


def main():
    out_path, seconds, pid = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    # kept next to OUT.json for `perf report -i` (a few MB)
    data = os.path.splitext(out_path)[0] + '.perf.data'
    subprocess.run(['perf', 'record', '-q', '-F', '999', '-g', '-p', str(pid), '-o', data,
                    '--', 'sleep', str(seconds)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    counts, by_thread, total = {}, {}, 0
    for comm, frames, kernel in samples(data):
        category = classify(frames, kernel)
        counts[category] = counts.get(category, 0) + 1
        t = by_thread.setdefault(comm, {})
        t[category] = t.get(category, 0) + 1
        total += 1
    if total == 0:
        print('kernel_shares: no samples', file=sys.stderr)
        sys.exit(1)
    order = [c for c, _ in CATEGORIES] + ['kernel', 'user']
    shares = {c: round(counts.get(c, 0) / total, 4) for c in order}
    result = dict(pid=pid, seconds=seconds, samples=total, shares=shares,
                  induced=round(sum(shares[c] for c, _ in CATEGORIES), 4),
                  threads={k: dict(samples=sum(v.values()), **v) for k, v in
                           sorted(by_thread.items(), key=lambda kv: -sum(kv[1].values()))})
    with open(out_path, 'w') as f:
        json.dump(result, f, indent=1)
    print(f"{total} samples: " + ', '.join(f"{c} {100 * shares[c]:.1f} %" for c in order)
          + f"; induced by the bench {100 * result['induced']:.1f} %")


if __name__ == '__main__':
    main()
