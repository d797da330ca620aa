#!/usr/bin/env python3
"""What one relayed packet costs the relay threads: syscalls and context switches per packet.

usage: relay_cost.py OUT.json SECONDS PID --counter=KIND:ADDR [--threads=REGEX]

For a relay process under load (callrec or rtpengine, started by relay-bench.sh or by hand), over one
window of SECONDS:
  - packets relayed: the relay's own counter, read by sample.py (same --counter syntax, same window);
  - per relay thread (name matching REGEX; default callrec's 'rtp-relay-[0-9]+'): voluntary context
    switches (the thread slept: a select/epoll_wait that blocked) and involuntary ones (it was
    preempted, e.g. by the process its send woke up), from /proc/PID/task/TID/status;
  - syscalls of those threads, counted by `perf stat` on the syscall tracepoints (needs perf and
    root): receives (recvfrom + recvmsg), receives that found nothing (EAGAIN), sends (sendto +
    sendmsg), epoll waits. Counting costs a little CPU, so do not take the CPU figure of the same
    window as a benchmark figure.
Prints one line per packet and writes the numbers to OUT.json.

Why: /proc's user/kernel split is a sampled tick and cannot say where the time goes; what a relay
can change is how many syscalls and wake-ups each packet takes (see docs/performance.md).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SYSCALLS = ['recvfrom', 'recvmsg', 'sendto', 'sendmsg', 'epoll_wait', 'epoll_pwait']


def relay_threads(pid, pattern):
    tids = []
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            with open(f'/proc/{pid}/task/{tid}/comm') as f:
                if re.fullmatch(pattern, f.read().strip()):
                    tids.append(tid)
        except OSError:
            pass
    return tids


def switches(pid, tids):
    vol = invol = 0
    for tid in tids:
        try:
            with open(f'/proc/{pid}/task/{tid}/status') as f:
                for line in f:
                    if line.startswith('voluntary_ctxt_switches'):
                        vol += int(line.split()[1])
                    elif line.startswith('nonvoluntary_ctxt_switches'):
                        invol += int(line.split()[1])
        except OSError:
            pass
    return vol, invol


def perf_stat_cmd(tids, seconds, out):
    events = []
    for name in SYSCALLS:
        events += ['-e', f'syscalls:sys_enter_{name}']
    for name in ('recvfrom', 'recvmsg'):  # a receive that found nothing returns -EAGAIN
        events += ['-e', f'syscalls:sys_exit_{name}', '--filter', 'ret < 0']
    return ['perf', 'stat', '-x,', '-o', out, '-t', ','.join(tids)] + events + ['--', 'sleep', str(seconds)]


def parse_perf_stat(path):
    counts = {}
    with open(path) as f:
        for line in f:
            parts = line.strip().split(',')
            if len(parts) > 2 and parts[2].startswith('syscalls:'):
                name = parts[2].split(':', 1)[1]
                try:
                    counts[name] = counts.get(name, 0) + int(parts[0])
                except ValueError:
                    pass  # "<not counted>"
    return counts


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    out, seconds, pid = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    counter = next((a for a in sys.argv[4:] if a.startswith('--counter=')), None)
    pattern = next((a.split('=', 1)[1] for a in sys.argv[4:] if a.startswith('--threads=')), r'rtp-relay-[0-9]+')
    if counter is None:
        sys.exit('--counter=KIND:ADDR is required (as for sample.py)')
    tids = relay_threads(pid, pattern)
    if not tids:
        sys.exit(f'no thread of {pid} matches {pattern}')
    tmp = tempfile.mkdtemp(prefix='relay_cost.')
    stat_out = os.path.join(tmp, 'perf.csv')
    perf = None
    if shutil.which('perf'):
        perf = subprocess.Popen(perf_stat_cmd(tids, seconds, stat_out), stderr=subprocess.DEVNULL)
    sample_out = os.path.join(tmp, 'sample.json')
    sw0 = switches(pid, tids)
    sample = subprocess.run([sys.executable, os.path.join(HERE, 'sample.py'), sample_out, str(seconds),
                             f'relay={pid}', counter], stderr=subprocess.PIPE, text=True)
    sw1 = switches(pid, tids)
    if perf is not None:
        perf.wait()
    with open(sample_out) as f:
        s = json.load(f)
    packets = (s.get('counter') or {}).get('packets')
    if not packets:
        sys.exit(f'the relay counter gave no packets: {sample.stderr.strip()}')
    res = {'pid': pid, 'threads': len(tids), 'packets': packets, 'window_s': s['counter']['window_s'],
           'relay_cpu_pct': s['relay']['cpu_avg'], 'other_busy_pct': s['_other_busy_pct'],
           'per_packet': {'voluntary_switches': round((sw1[0] - sw0[0]) / packets, 3),
                          'involuntary_switches': round((sw1[1] - sw0[1]) / packets, 3)}}
    if perf is not None and os.path.exists(stat_out):
        c = parse_perf_stat(stat_out)
        pp = res['per_packet']
        pp['receives'] = round((c.get('sys_enter_recvfrom', 0) + c.get('sys_enter_recvmsg', 0)) / packets, 3)
        pp['empty_receives'] = round((c.get('sys_exit_recvfrom', 0) + c.get('sys_exit_recvmsg', 0)) / packets, 3)
        pp['sends'] = round((c.get('sys_enter_sendto', 0) + c.get('sys_enter_sendmsg', 0)) / packets, 3)
        pp['epoll_waits'] = round((c.get('sys_enter_epoll_wait', 0) + c.get('sys_enter_epoll_pwait', 0)) / packets, 3)
    shutil.rmtree(tmp, ignore_errors=True)
    with open(out, 'w') as f:
        json.dump(res, f, indent=1)
    print(f"{packets / res['window_s']:.0f} pkt/s, {len(tids)} relay thread(s); per packet: "
          + ', '.join(f'{k} {v}' for k, v in res['per_packet'].items()))


if __name__ == '__main__':
    main()
