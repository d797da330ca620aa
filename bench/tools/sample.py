#!/usr/bin/env python3
"""Sample CPU and memory of process groups from /proc.
usage: sample.py OUT.json DURATION_S GROUP=PID[,PID...] [GROUP=...]
                 [--counter=KIND:ADDR] [--threads=GROUP]
CPU% is percent of one core (utime+stime, all threads) averaged over the window;
cpu_peak is the highest 1-s interval; rss/pss_peak_kb = peak of the group's sum.

Copied from the reference peer's tools/sample.py (the reference benchmark tools); the CPU and memory
method is unchanged so that figures stay comparable. Added for the relay benchmark:
  --counter=callrec:URL        reads relay.totals.packets from callrec's GET /health (URL)
  --counter=rtpengine:HOST:PORT reads "Total relayed packets" from rtpengine's CLI (--listen-cli)
      read right after the first and the last CPU snapshot, so the packet delta and the CPU delta
      cover the same window (result: "counter": {"packets": delta, "window_s": ...}).
  --threads=GROUP              per-thread CPU of the group's processes over the window, by thread
      name (/proc/PID/task/TID/comm), to see which thread was busy.
  cpu_user / cpu_sys           the group's CPU split into user space and kernel over the window.
  _other_busy_pct              machine busy (% of one core, all cores) minus the sampled groups:
      the load of everything else on the machine during the window."""
import json, os, socket, sys, time, urllib.request
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
out, dur = sys.argv[1], float(sys.argv[2])
groups = {}
counter_spec = None
thread_group = None
for a in sys.argv[3:]:
    if a.startswith('--counter='):
        counter_spec = a.split('=', 1)[1]
        continue
    if a.startswith('--threads='):
        thread_group = a.split('=', 1)[1]
        continue
    name, pids = a.split('=', 1)
    groups[name] = [int(p) for p in pids.split(',') if p]
def read_counter():
    """Relayed packets so far according to the relay itself, or None if it did not answer."""
    if counter_spec is None:
        return None
    kind, addr = counter_spec.split(':', 1)
    try:
        if kind == 'callrec':
            with urllib.request.urlopen(addr, timeout=2) as r:
                return int(json.load(r)['relay']['totals']['packets'])
        if kind == 'rtpengine':
            host, port = addr.rsplit(':', 1)
            with socket.create_connection((host, int(port)), timeout=2) as s:
                s.sendall(b'list totals\n')
                data = b''
                while True:
                    b = s.recv(65536)
                    if not b:
                        break
                    data += b
            for line in data.decode(errors='replace').splitlines():
                if line.strip().startswith('Total relayed packets') and '(' not in line:
                    return int(line.rsplit(':', 1)[1].strip())
    except (OSError, ValueError, KeyError) as e:
        print(f'sample.py: counter {counter_spec} failed: {e}', file=sys.stderr)
    return None
def thread_cpu(pids):
    """{(pid, tid): (name, jiffies)} for every live thread of pids."""
    r = {}
    for pid in pids:
        try:
            tids = os.listdir(f'/proc/{pid}/task')
        except OSError:
            continue
        for tid in tids:
            try:
                with open(f'/proc/{pid}/task/{tid}/stat') as f:
                    s = f.read()
                name = s[s.index('(') + 1:s.rindex(')')]
                fields = s[s.rindex(')') + 2:].split()
                r[(pid, tid)] = (name, int(fields[11]) + int(fields[12]))
            except (OSError, ValueError):
                pass
    return r
HZ = os.sysconf('SC_CLK_TCK')
def cpu(pid):
    try:
        with open(f'/proc/{pid}/stat') as f:
            s = f.read()
        fields = s[s.rindex(')') + 2:].split()
        return int(fields[11]) + int(fields[12])
    except OSError:
        return None
def cpu_split(pid):
    """(utime, stime) in jiffies: user space vs kernel (syscalls, and the loopback delivery they trigger)"""
    try:
        with open(f'/proc/{pid}/stat') as f:
            s = f.read()
        fields = s[s.rindex(')') + 2:].split()
        return int(fields[11]), int(fields[12])
    except OSError:
        return None
def sched_ns(pid):
    # precise on-CPU time: sum of sum_exec_runtime over the live threads
    t = 0
    try:
        for tid in os.listdir(f'/proc/{pid}/task'):
            try:
                with open(f'/proc/{pid}/task/{tid}/schedstat') as f:
                    t += int(f.read().split()[0])
            except OSError:
                pass
    except OSError:
        return None
    return t
def mem(pid):
    rss = pss = 0
    try:
        with open(f'/proc/{pid}/smaps_rollup') as f:
            for line in f:
                if line.startswith('Rss:'): rss = int(line.split()[1])
                elif line.startswith('Pss:'): pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss
def sysbusy():
    with open('/proc/stat') as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v) - v[3] - v[4], sum(v)   # busy, total jiffies (all cores)
NCPU = os.cpu_count()
_last = {}
def snap():
    # a process that exited keeps its last CPU reading (so its work still counts)
    r = {}
    for g, pids in groups.items():
        r[g] = {}
        for p in pids:
            v = cpu(p)
            if v is None: v = _last.get(p)
            else: _last[p] = v
            r[g][p] = v
    return r
res = {g: {'cpu_peak': 0.0, 'rss_peak_kb': 0, 'pss_peak_kb': 0} for g in groups}
sch0 = {g: sum(sched_ns(p) or 0 for p in pids) for g, pids in groups.items()}
t0 = time.time(); first = prev = snap(); tprev = t0; sys0 = sysbusy()
c0 = read_counter(); tc0 = time.time()
split0 = {g: [cpu_split(p) for p in pids] for g, pids in groups.items()}
th0 = thread_cpu(groups[thread_group]) if thread_group else None
while time.time() - t0 < dur:
    time.sleep(1.0)
    now = time.time(); cur = snap()
    for g, pids in groups.items():
        d = sum((cur[g][p] or 0) - (prev[g][p] or 0) for p in pids if cur[g][p] is not None and prev[g][p] is not None)
        res[g]['cpu_peak'] = max(res[g]['cpu_peak'], 100.0 * d / HZ / (now - tprev))
        r = [mem(p) for p in pids]
        res[g]['rss_peak_kb'] = max(res[g]['rss_peak_kb'], sum(x[0] for x in r))
        res[g]['pss_peak_kb'] = max(res[g]['pss_peak_kb'], sum(x[1] for x in r))
    prev, tprev = cur, now
c1 = read_counter(); tc1 = time.time()
split1 = {g: [cpu_split(p) for p in pids] for g, pids in groups.items()}
th1 = thread_cpu(groups[thread_group]) if thread_group else None
el = tprev - t0
for g, pids in groups.items():
    d = sum((prev[g][p] or 0) - (first[g][p] or 0) for p in pids if prev[g][p] is not None and first[g][p] is not None)
    res[g]['cpu_avg'] = round(100.0 * d / HZ / el, 1)
    res[g]['cpu_peak'] = round(res[g]['cpu_peak'], 1)
for g in groups:
    u = k = 0
    for a, b in zip(split0[g], split1[g]):
        if a is not None and b is not None:
            u += b[0] - a[0]
            k += b[1] - a[1]
    res[g]['cpu_user'] = round(100.0 * u / HZ / (tc1 - tc0), 1)
    res[g]['cpu_sys'] = round(100.0 * k / HZ / (tc1 - tc0), 1)
sys1 = sysbusy()
t1 = time.time()
for g, pids in groups.items():
    res[g]['cpu_sched_avg'] = round(100.0 * (sum(sched_ns(p) or 0 for p in pids) - sch0[g]) / 1e9 / (t1 - t0), 1)
res['_machine_busy_pct_of_all_cores'] = round(100.0 * NCPU * (sys1[0] - sys0[0]) / max(1, sys1[1] - sys0[1]), 1)
res['_other_busy_pct'] = round(res['_machine_busy_pct_of_all_cores'] - sum(res[g]['cpu_avg'] for g in groups), 1)
if counter_spec is not None:
    res['counter'] = {'source': counter_spec, 'start': c0, 'end': c1,
                      'packets': (c1 - c0) if c0 is not None and c1 is not None else None,
                      'window_s': round(tc1 - tc0, 3)}
if thread_group:
    # threads by name: JVM pools share a name prefix, so merge e.g. "GC Thread#0" and "GC Thread#1" by full name
    by_name = {}
    for key, (name, j1) in th1.items():
        j0 = th0.get(key, (name, 0))[1]  # a thread born inside the window counts from 0
        by_name[name] = by_name.get(name, 0) + (j1 - j0)
    res['threads'] = {'group': thread_group, 'cpu_pct': {n: round(100.0 * j / HZ / el, 1)
                      for n, j in sorted(by_name.items(), key=lambda kv: -kv[1]) if j > 0}}
res['_ncpu'] = NCPU
res['_window_s'] = round(el, 1)
with open(out, 'w') as f:
    json.dump(res, f, indent=1)
