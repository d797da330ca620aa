#!/usr/bin/env python3
"""Median (min-max) over repeated passes of relay-bench.sh, ratios from the medians, PASS/FAIL per target.

usage: summary.py results.pass1.jsonl results.pass2.jsonl ...   -> markdown on stdout
A single pass is noisy on a shared 2-core machine; the peer's own figures are medians of 3 passes too.
"""
import json
import statistics as st
import sys

from report import (TARGET_CPS, TARGET_CPU_RATIO, TARGET_LAT_N, TARGET_LOSS_PCT, TARGET_N_CONCURRENT,
                    TARGET_P99_US, TARGET_RSS_MB, TARGET_RSS_N, verdict)


def med(vals, nd=1):
    vals = [v for v in vals if v is not None]
    if not vals:
        return '–'
    m = st.median(vals)
    if len(vals) == 1:
        return f'{m:.{nd}f}'
    return f'{m:.{nd}f} ({min(vals):.{nd}f}–{max(vals):.{nd}f})'


def median(vals):
    vals = [v for v in vals if v is not None]
    return st.median(vals) if vals else None


def label(system, variant):
    if system == 'callrec':
        return 'callrec (plain java -jar)' if variant == 'plain' else 'callrec'
    return 'rtpengine + kamailio'


def main():
    passes = []
    for fn in sys.argv[1:]:
        passes.append([json.loads(l) for l in open(fn) if l.strip()])
    rows = [r for p in passes for r in p]
    machines = [r for r in rows if r['kind'] == 'machine']
    ends = [r for r in rows if r['kind'] == 'end']
    relay = [r for r in rows if r['kind'] == 'relay']
    setup = [r for r in rows if r['kind'] == 'setup']
    invalid = [r for r in relay if r.get('uas_alive') == 0 or r.get('sut_alive') == 0]
    relay = [r for r in relay if r not in invalid]
    out = []
    p = out.append
    m0 = machines[0] if machines else {}
    p(f'# Relay benchmark summary: {len(passes)} passes, median (min–max)\n')
    p(f"Machine: {m0.get('nproc')} cores, {m0.get('cpu_model')} ({m0.get('cpu_mhz')} MHz), {m0.get('mem_mb')} MB RAM, "
      f"kernel {m0.get('kernel')}; {m0.get('java')}; commit {m0.get('commit')}.  ")
    p(f"callrec JVM flags (tuned runs): `{m0.get('jvm_opts')}`.  ")
    for m, e in zip(machines, ends + [{}] * (len(machines) - len(ends))):
        p(f"Pass {m.get('pass')}: started {m.get('started')}, load average {m.get('load_start')} → {e.get('load_end', '–')} at its end.  ")
    if invalid:
        p(f"Left out: {len(invalid)} run(s) in which the callee or the system under test died: "
          + ', '.join(f"N={r['N']} {label(r['system'], r.get('variant'))}" for r in invalid) + '.  ')
    p('')

    keys = []
    for r in relay:
        k = (r['N'], r['system'], r.get('variant'))
        if k not in keys:
            keys.append(k)
    keys.sort(key=lambda k: (k[0], k[1] != 'callrec', k[2] == 'plain'))
    p('## Long calls\n')
    p('| N | system | passes | calls ok / failed (all passes) | relayed pkt/s | loss % in relay | loss % round trip | CPU % relay | of which kernel % | CPU % kamailio | CPU µs/pkt | peak RSS MB | other load % |')
    p('|---|---|---|---|---|---|---|---|---|---|---|---|---|')
    for k in keys:
        rs = [r for r in relay if (r['N'], r['system'], r.get('variant')) == k]
        g = lambda f: [f(r) for r in rs]
        p(f"| {k[0]} | {label(k[1], k[2])} | {len(rs)} | {sum(g(lambda r: r['calls_ok']))} / {sum(g(lambda r: r['calls_failed']))} | "
          f"{med(g(lambda r: r.get('relayed_pps')), 0)} | {med(g(lambda r: r.get('relay_loss_pct')), 3)} | "
          f"{med(g(lambda r: r.get('loss_round_trip_pct')), 3)} | {med(g(lambda r: r.get('relay_cpu_pct')))} | "
          f"{med(g(lambda r: r.get('relay_cpu_sys_pct')))} | {med(g(lambda r: r.get('kamailio_cpu_pct')))} | "
          f"{med(g(lambda r: r.get('cpu_us_per_pkt')), 2)} | {med(g(lambda r: r.get('relay_rss_peak_mb')))} | "
          f"{med(g(lambda r: r.get('other_busy_pct')))} |")
    p('')

    p('## CPU per relayed packet: ratio callrec / rtpengine (from the medians; per pass in brackets)\n')
    p('| N | callrec µs/pkt | rtpengine µs/pkt | ratio | ratio vs rtpengine + kamailio | per-pass ratios | target ≤ 0.8 |')
    p('|---|---|---|---|---|---|---|')
    ratio_rows = []
    for n in sorted({k[0] for k in keys}):
        for variant in (None, 'norec', 'plain'):
            cr = [r for r in relay if r['N'] == n and r['system'] == 'callrec' and r.get('variant') == variant]
            pe = [r for r in relay if r['N'] == n and r['system'] == 'peer']
            if not cr or not pe:
                continue
            c = median([r.get('cpu_us_per_pkt') for r in cr])
            e = median([r.get('cpu_us_per_pkt') for r in pe])
            ek = median([r.get('cpu_us_per_pkt_with_kamailio') for r in pe])
            if c is None or e is None:
                continue
            per_pass = []
            for pr in passes:
                a = next((r for r in pr if r['kind'] == 'relay' and r['N'] == n and r['system'] == 'callrec' and r.get('variant') == variant), None)
                b = next((r for r in pr if r['kind'] == 'relay' and r['N'] == n and r['system'] == 'peer'), None)
                if a and b and a.get('cpu_us_per_pkt') and b.get('cpu_us_per_pkt'):
                    per_pass.append(f"{a['cpu_us_per_pkt'] / b['cpu_us_per_pkt']:.2f}")
            v = verdict(c / e <= TARGET_CPU_RATIO)
            if variant != 'plain':
                ratio_rows.append((n, c / e, v))
            p(f"| {n} | {c:.2f}{' (plain java -jar)' if variant == 'plain' else ''} | {e:.2f} | {c / e:.2f} | "
              f"{c / ek if ek else float('nan'):.2f} | {', '.join(per_pass)} | {v if variant != 'plain' else '(comparison)'} |")
    p('')

    lat = [r for r in relay if r.get('latency') and (r['latency'].get('all') or {}).get('p99_us') is not None]
    if lat:
        p(f'## Added relay latency at N = {TARGET_LAT_N} (µs)\n')
        p('| system | passes | p50 | p90 | p99 | p99.9 | max |')
        p('|---|---|---|---|---|---|---|')
        for sysname in ('callrec', 'peer'):
            rs = [r['latency']['all'] for r in lat if r['system'] == sysname]
            if rs:
                p(f"| {label(sysname, None)} | {len(rs)} | {med([x['p50_us'] for x in rs])} | {med([x['p90_us'] for x in rs])} | "
                  f"{med([x['p99_us'] for x in rs])} | {med([x['p999_us'] for x in rs])} | {med([x['max_us'] for x in rs])} |")
        p('')

    if setup:
        p('## Call setup rate\n')
        p('| system | offered /s | passes | calls ok / failed, caller (all passes) | callee failed (BYE before ACK) | achieved /s | INVITE→200 ms p50 | p99 | max | CPU ms per call | SIP retrans |')
        p('|---|---|---|---|---|---|---|---|---|---|---|')
        skeys = sorted({(r['system'], r['rate']) for r in setup}, key=lambda k: (k[0] != 'callrec', k[1]))
        for k in skeys:
            rs = [r for r in setup if (r['system'], r['rate']) == k]
            g = lambda f: [f(r) for r in rs]
            p(f"| {label(k[0], None)} | {k[1]} | {len(rs)} | {sum(g(lambda r: r['calls_ok']))} / {sum(g(lambda r: r['calls_failed']))} | "
              f"{sum(g(lambda r: r.get('uas_calls_failed') or 0))} ({sum(g(lambda r: r.get('uas_unexpected_bye') or 0))}) | "
              f"{med(g(lambda r: r.get('achieved_cps')))} | {med(g(lambda r: r.get('setup_ms_p50')), 2)} | "
              f"{med(g(lambda r: r.get('setup_ms_p99')), 2)} | {med(g(lambda r: r.get('setup_ms_max')), 2)} | "
              f"{med(g(lambda r: r.get('cpu_ms_per_call')), 2)} | {sum(g(lambda r: r.get('retrans') or 0))} |")
        p('')

    p('## Targets (callrec, tuned JVM flags)\n')
    p('| target | measured | verdict |')
    p('|---|---|---|')
    if ratio_rows:
        p(f"| CPU per relayed packet ≤ {TARGET_CPU_RATIO}× rtpengine's | " + ', '.join(f'N={n}: {x:.2f}×' for n, x, _ in ratio_rows)
          + f" (medians) | {verdict(all(v == 'PASS' for _, _, v in ratio_rows))} |")
    c500 = [r for r in relay if r['N'] == TARGET_N_CONCURRENT and r['system'] == 'callrec' and r.get('variant') != 'plain']
    if c500:
        ok_pass = [r['calls_failed'] == 0 and r['calls_ok'] == TARGET_N_CONCURRENT and r.get('loss_round_trip_pct') is not None
                   and r['loss_round_trip_pct'] < TARGET_LOSS_PCT for r in c500]
        relay_ok = [r['calls_failed'] == 0 and r.get('relay_loss_pct') is not None and r['relay_loss_pct'] < TARGET_LOSS_PCT for r in c500]
        p(f"| {TARGET_N_CONCURRENT} calls, 0 failed, < {TARGET_LOSS_PCT} % loss | failed {sum(r['calls_failed'] for r in c500)} in "
          f"{len(c500)} passes; loss round trip {med([r.get('loss_round_trip_pct') for r in c500], 3)} %, in the relay "
          f"{med([r.get('relay_loss_pct') for r in c500], 3)} %; end to end < {TARGET_LOSS_PCT} % in {sum(ok_pass)} of {len(c500)} passes, "
          f"relay alone in {sum(relay_ok)} of {len(c500)} | "
          f"{verdict(all(ok_pass)) if any(r.get('loss_round_trip_pct') is not None or r['calls_failed'] for r in c500) else 'loss not measured (LOSS_CAPTURE=0)'} |")
    l200 = [r['latency']['all']['p99_us'] for r in lat if r['system'] == 'callrec' and r['N'] == TARGET_LAT_N]
    if l200:
        p(f"| p99 added latency < {TARGET_P99_US} µs at {TARGET_LAT_N} calls | p99 {med(l200)} µs | {verdict(median(l200) < TARGET_P99_US)} |")
    cs = [r for r in setup if r['system'] == 'callrec']
    if cs:
        best = []
        for pr in passes:
            rr = [r for r in pr if r['kind'] == 'setup' and r['system'] == 'callrec' and r['calls_failed'] == 0 and r.get('achieved_cps')]
            if rr:
                best.append(max(r['achieved_cps'] for r in rr))
        callee_fail = sum(r.get('uas_calls_failed') or 0 for r in cs)
        callee_calls = sum((r.get('uas_calls_ok') or 0) + (r.get('uas_calls_failed') or 0) for r in cs)
        p(f"| ≥ {TARGET_CPS} call setups/s | best rate with 0 failed calls (caller): {med(best)} /s; the callee saw "
          f"{callee_fail} of {callee_calls} calls fail (BYE before ACK) | {verdict(median(best) is not None and median(best) >= TARGET_CPS)}"
          + (' for the caller, not for the callee' if callee_fail else '') + ' |')
    r200 = [r['relay_rss_peak_mb'] for r in relay if r['N'] == TARGET_RSS_N and r['system'] == 'callrec' and r.get('variant') != 'plain']
    plain = [r['relay_rss_peak_mb'] for r in relay if r['N'] == TARGET_RSS_N and r['system'] == 'callrec' and r.get('variant') == 'plain']
    if r200:
        p(f"| RSS ≤ {TARGET_RSS_MB} MB at {TARGET_RSS_N} calls | peak {med(r200)} MB (worst pass {max(r200)})"
          + (f"; plain java -jar {med(plain)} MB" if plain else '') + f" | {verdict(max(r200) <= TARGET_RSS_MB)} |")
    p('')
    thr = [r for r in relay if r['system'] == 'callrec' and r.get('threads') and r.get('variant') != 'plain']
    if thr:
        p('## callrec threads in the steady window, % of one core (last pass)\n')
        last = {}
        for r in thr:
            last[r['N']] = r
        for n, r in sorted(last.items()):
            p(f"- N={n}: " + ', '.join(f'{k} {v}' for k, v in list(r['threads'].items())[:6]))
        p('')
    print('\n'.join(out))


if __name__ == '__main__':
    main()
