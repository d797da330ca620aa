#!/usr/bin/env python3
"""The benchmark report: tables, ratios and PASS/FAIL per target, from results.jsonl.

usage: report.py RESULTS.jsonl      -> markdown on stdout
       report.py --row JSON_LINE    -> one-line summary of a single run (progress output)
A target is judged only on what was measured; a target whose run is missing says "not run".
"""
import json
import sys

TARGET_CPU_RATIO = 0.8        # callrec CPU per relayed packet <= 0.8 x rtpengine's
TARGET_N_CONCURRENT = 500     # ... calls with 0 failed and < 0.1 % loss
TARGET_LOSS_PCT = 0.1
TARGET_P99_US = 1000          # p99 added latency < 1 ms at 200 calls
TARGET_LAT_N = 200
TARGET_CPS = 200              # >= 200 call setups/s
TARGET_RSS_MB = 200           # RSS <= 200 MB at 200 calls
TARGET_RSS_N = 200


def fmt(v, nd=1):
    if v is None:
        return '–'
    if isinstance(v, float):
        return f'{v:.{nd}f}'
    return str(v)


def name(r):
    if r['system'] == 'callrec':
        n = 'callrec (plain java -jar)' if r.get('variant') == 'plain' else 'callrec'
    else:
        n = 'rtpengine + kamailio'
    if r.get('uas_alive') == 0 or r.get('sut_alive') == 0 or r.get('uas_and_sut_alive') == 0:
        n += ' ⚠ INVALID: a process died during the run'
    return n


def row_summary(r):
    if r['kind'] == 'relay':
        lat = r.get('latency', {}).get('all') if r.get('latency') else None
        return (f"  N={r['N']} {name(r)}: calls {r['calls_ok']}/{r['calls_failed']} failed, "
                f"{fmt(r.get('relayed_pps'))} pkt/s, CPU {fmt(r.get('relay_cpu_pct'))} %, "
                f"{fmt(r.get('cpu_us_per_pkt'), 2)} µs/pkt, RSS {fmt(r.get('relay_rss_peak_mb'))} MB, "
                f"loss in relay {fmt(r.get('relay_loss_pct'), 3)} % / round trip {fmt(r.get('loss_round_trip_pct'), 3)} %"
                + (f", latency p50/p99/max {lat['p50_us']}/{lat['p99_us']}/{lat['max_us']} µs" if lat else '')
                + f", other load {fmt(r.get('other_busy_pct'))} %")
    if r['kind'] == 'setup':
        return (f"  setup {r['system']} {r['rate']}/s: {r['calls_ok']} ok / {r['calls_failed']} failed, "
                f"achieved {fmt(r.get('achieved_cps'))}/s, setup p50/p99 {fmt(r.get('setup_ms_p50'), 2)}/"
                f"{fmt(r.get('setup_ms_p99'), 2)} ms, CPU {fmt(r.get('cpu_pct'))} %")
    return json.dumps(r)


def split_us(r):
    """'(user / kernel)' µs per packet, from the window's user/kernel split of the relay's CPU"""
    u, k, pps = r.get('relay_cpu_user_pct'), r.get('relay_cpu_sys_pct'), r.get('relayed_pps')
    if u is None or k is None or not pps:
        return ''
    return f'({u / 100.0 / pps * 1e6:.1f} / {k / 100.0 / pps * 1e6:.1f})'


def verdict(ok):
    return 'PASS' if ok else 'FAIL'


def report(rows):
    out = []
    p = out.append
    machine = next((r for r in rows if r['kind'] == 'machine'), {})
    end = next((r for r in rows if r['kind'] == 'end'), {})
    relay = [r for r in rows if r['kind'] == 'relay']
    setup = [r for r in rows if r['kind'] == 'setup']
    p('# Relay benchmark: callrec vs rtpengine + kamailio (same SIPp load, same run)\n')
    p(f"Machine: {machine.get('nproc')} cores, {machine.get('cpu_model')} ({machine.get('cpu_mhz')} MHz), "
      f"{machine.get('mem_mb')} MB RAM, kernel {machine.get('kernel')}; commit {machine.get('commit')}; "
      f"started {machine.get('started')}.  ")
    p(f"Load average (1/5/15 min) at start: {machine.get('load_start')}; at end: {end.get('load_end', '–')}.  ")
    p(f"callrec JVM flags (tuned runs): `{machine.get('jvm_opts')}`.\n")

    p('## Long calls (G.711, 30 ms packets, ~28 s, callee echoes)\n')
    p('CPU is % of one core averaged over the steady window (all calls up); µs/pkt = CPU time / packets '
      'the relay forwarded in that window (its own counter). Loss is counted by a header-only capture of the four '
      'legs around the relay over the whole run: "in relay" = packets that entered the relay and did not leave it '
      '(both directions, over packets in); "round trip" = sent by the callers and not received back, wherever lost '
      '(also in the SIPp callee). "other load" = machine busy minus every process of the run (other developers), '
      '% of one core out of 200.\n')
    p('| N | system | calls ok / failed | relayed pkt/s | loss % in relay / round trip | CPU % relay (user / kernel) | CPU % kamailio | peak RSS MB | CPU µs/pkt (relay) | CPU µs/pkt (+kamailio) | sipp UAC+UAS CPU % | other load % | load 1-min before → after |')
    p('|---|---|---|---|---|---|---|---|---|---|---|---|---|')
    for r in relay:
        rss = fmt(r.get('relay_rss_peak_mb'))
        if r.get('kamailio_rss_peak_mb') is not None:
            rss += f" (kamailio {fmt(r['kamailio_rss_peak_mb'])} RSS / {fmt(r.get('kamailio_pss_peak_mb'))} PSS)"
        sipp = (r.get('sipp_uac_cpu_pct') or 0) + (r.get('sipp_uas_cpu_pct') or 0)
        p(f"| {r['N']} | {name(r)} | {r['calls_ok']} / {r['calls_failed']} | {fmt(r.get('relayed_pps'), 0)} | "
          f"{fmt(r.get('relay_loss_pct'), 3)} / {fmt(r.get('loss_round_trip_pct'), 3)} | {fmt(r.get('relay_cpu_pct'))} "
          f"({fmt(r.get('relay_cpu_user_pct'))} / {fmt(r.get('relay_cpu_sys_pct'))}) | "
          f"{fmt(r.get('kamailio_cpu_pct'))} | {rss} | {fmt(r.get('cpu_us_per_pkt'), 2)} | "
          f"{fmt(r.get('cpu_us_per_pkt_with_kamailio') or r.get('cpu_us_per_pkt'), 2)} | {sipp:.1f} | "
          f"{fmt(r.get('other_busy_pct'))} | {str(r.get('load_before', '')).split()[0] if r.get('load_before') else '–'} → "
          f"{str(r.get('load_after', '')).split()[0] if r.get('load_after') else '–'} |")
    p('')
    p('Packet counts behind the loss figures (capture; "callee echoed" is the SIPp UAS\'s own count, "callee socket drops" '
      'the kernel\'s drop counter of its socket; "expected" = calls ok × 944 with the pcap load, × 1412 with the stream load):\n')
    p('| N | system | caller → relay | relay → callee | callee echoed | callee socket drops | callee → relay | relay → caller | lost in relay | expected | capture dropped | relay\'s own counters at end |')
    p('|---|---|---|---|---|---|---|---|---|---|---|---|')
    for r in relay:
        L = r.get('legs') or {}
        tot = r.get('relay_totals_end') or {}
        tots = ', '.join(f'{k}={v}' for k, v in tot.items() if v) or '–'
        p(f"| {r['N']} | {name(r)} | {fmt(L.get('caller_to_relay'))} | {fmt(L.get('relay_to_callee'))} | {fmt(r.get('uas_echoed'))} | "
          f"{fmt(r.get('uas_socket_drops'))} | {fmt(L.get('callee_to_relay'))} | {fmt(L.get('relay_to_caller'))} | {fmt(r.get('relay_lost_pkts'))} | "
          f"{fmt(r.get('expected_one_way'))} | {fmt(r.get('capture_dropped'))} | {tots} |")
    p('')

    # ratios
    p('## CPU per relayed packet: callrec / rtpengine\n')
    p('user / kernel: the same CPU time split by /proc into user space and kernel (the syscalls and the loopback '
      'delivery they trigger).\n')
    p('| N | callrec µs/pkt (user / kernel) | rtpengine µs/pkt (user / kernel) | ratio callrec / rtpengine | ratio callrec / (rtpengine + kamailio) | target ≤ 0.8 |')
    p('|---|---|---|---|---|---|')
    ratio_verdicts = []
    for n in sorted({r['N'] for r in relay}):
        cr = [r for r in relay if r['N'] == n and r['system'] == 'callrec']
        pe = next((r for r in relay if r['N'] == n and r['system'] == 'peer'), None)
        for c in cr:
            if pe and c.get('cpu_us_per_pkt') and pe.get('cpu_us_per_pkt'):
                ratio = c['cpu_us_per_pkt'] / pe['cpu_us_per_pkt']
                ratio_k = c['cpu_us_per_pkt'] / (pe.get('cpu_us_per_pkt_with_kamailio') or pe['cpu_us_per_pkt'])
                v = verdict(ratio <= TARGET_CPU_RATIO)
                if c.get('variant') != 'plain':
                    ratio_verdicts.append((n, ratio, v))
                p(f"| {n} | {c['cpu_us_per_pkt']:.2f} {split_us(c)}{' (plain java -jar)' if c.get('variant') == 'plain' else ''} | "
                  f"{pe['cpu_us_per_pkt']:.2f} {split_us(pe)} | {ratio:.2f} | {ratio_k:.2f} | {v} |")
            else:
                p(f"| {n} | {fmt(c.get('cpu_us_per_pkt'), 2)} | {fmt(pe.get('cpu_us_per_pkt') if pe else None, 2)} | – | – | not measured |")
    p('')

    # where the CPU goes (PROFILE_S > 0)
    prof = [r for r in relay if r.get('kernel_shares')]
    if prof:
        p('## Where the relay\'s CPU goes (perf, PROFILE_S s after the window)\n')
        p('Shares of the relay process\'s samples (`bench/tools/kernel_shares.py`): ICMP port unreachable made for '
          'packets sent toward caller ports nobody bound, delivery to SIPp\'s raw sockets, the bench\'s capture, '
          'other kernel work, user space. The first three are work the load and the bench put inside each relay\'s '
          'sendto; "rest" is µs/pkt × (1 − their sum). The ratio of the rests is a diagnostic, not the target\'s '
          'figure (that is the table above).\n')
        p('| N | system | samples | ICMP % | raw sockets % | capture % | other kernel % | user % | induced µs/pkt | rest µs/pkt | rest callrec / rtpengine |')
        p('|---|---|---|---|---|---|---|---|---|---|---|')
        for r in prof:
            ks, us = r['kernel_shares'], r.get('cpu_us_per_pkt')
            sh = ks['shares']
            rest = us * (1 - ks['induced']) if us else None
            ratio = '–'
            if r['system'] == 'callrec' and rest:
                pe = next((x for x in prof if x['N'] == r['N'] and x['system'] == 'peer'), None)
                if pe and pe.get('cpu_us_per_pkt'):
                    ratio = f"{rest / (pe['cpu_us_per_pkt'] * (1 - pe['kernel_shares']['induced'])):.2f}"
            p(f"| {r['N']} | {name(r)} | {ks['samples']} | {100 * sh['icmp']:.1f} | {100 * sh['raw']:.1f} | "
              f"{100 * sh['capture']:.1f} | {100 * sh['kernel']:.1f} | {100 * sh['user']:.1f} | "
              f"{fmt(us * ks['induced'] if us else None, 2)} | {fmt(rest, 2)} | {ratio} |")
        p('')

    # latency
    lat_rows = [r for r in relay if r.get('latency')]
    if lat_rows:
        p(f'## Added relay latency (capture on lo, ~5 s of steady state)\n')
        p('| N | system | packets matched / leaving | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs | toward callee p99 | toward caller p99 | capture dropped |')
        p('|---|---|---|---|---|---|---|---|---|---|---|')
        for r in lat_rows:
            L = r['latency']
            a = L.get('all') or {}
            fw = (L.get('toward_callee') or {}).get('p99_us')
            bk = (L.get('toward_caller') or {}).get('p99_us')
            p(f"| {r['N']} | {name(r)} | {L.get('matched')} / {L.get('leaving')} | {fmt(a.get('p50_us'))} | {fmt(a.get('p90_us'))} | "
              f"{fmt(a.get('p99_us'))} | {fmt(a.get('p999_us'))} | {fmt(a.get('max_us'))} | {fmt(fw)} | {fmt(bk)} | {fmt(L.get('capture_dropped'))} |")
        p('')

    # setup
    if setup:
        p('## Call setup rate (INVITE / 200 / ACK / BYE, SDP but no RTP)\n')
        p('"callee side" is what the SIPp UAS saw: a call can succeed for the caller and fail for the callee '
          '(e.g. BYE arriving before the ACK). Setup time is the caller\'s INVITE → 200, from a capture.\n')
        p('| system | offered /s | calls ok / failed (caller) | callee side ok / failed (BYE before ACK) | achieved setups/s | INVITE→200 ms p50 / p99 / max | CPU % (+kamailio) | CPU ms per call | retrans | other load % |')
        p('|---|---|---|---|---|---|---|---|---|---|')
        for r in setup:
            cpu = fmt(r.get('cpu_pct'))
            if r.get('kamailio_cpu_pct') is not None:
                cpu += f" (+{fmt(r['kamailio_cpu_pct'])})"
            p(f"| {'callrec' if r['system'] == 'callrec' else 'rtpengine + kamailio'} | {r['rate']} | {r['calls_ok']} / {r['calls_failed']} | "
              f"{fmt(r.get('uas_calls_ok'))} / {fmt(r.get('uas_calls_failed'))} ({fmt(r.get('uas_unexpected_bye'))}) | "
              f"{fmt(r.get('achieved_cps'))} | {fmt(r.get('setup_ms_p50'), 2)} / {fmt(r.get('setup_ms_p99'), 2)} / {fmt(r.get('setup_ms_max'), 2)} | "
              f"{cpu} | {fmt(r.get('cpu_ms_per_call'), 3)} | {r.get('retrans')} | {fmt(r.get('other_busy_pct'))} |")
        p('')

    # targets
    p('## Targets (callrec, tuned JVM flags)\n')
    p('| target | measured | verdict |')
    p('|---|---|---|')
    if ratio_verdicts:
        worst = max(ratio_verdicts, key=lambda x: x[1])
        p(f"| CPU per relayed packet ≤ {TARGET_CPU_RATIO}× rtpengine's | "
          + ', '.join(f'N={n}: {ratio:.2f}×' for n, ratio, _ in ratio_verdicts)
          + f" | {verdict(all(v == 'PASS' for _, _, v in ratio_verdicts))} |")
    else:
        p(f'| CPU per relayed packet ≤ {TARGET_CPU_RATIO}× rtpengine\'s | – | not run |')
    c500 = next((r for r in relay if r['N'] == TARGET_N_CONCURRENT and r['system'] == 'callrec' and r.get('variant') != 'plain'), None)
    if c500:
        loss = c500.get('loss_round_trip_pct')
        calls_ok = c500['calls_failed'] == 0 and c500['calls_ok'] == TARGET_N_CONCURRENT
        ok = calls_ok and loss is not None and loss < TARGET_LOSS_PCT
        rl = c500.get('relay_loss_pct')
        extra = ''
        if not ok and calls_ok and rl is not None and rl < TARGET_LOSS_PCT:
            extra = f' (end to end; the relay itself lost {rl:.3f} %: the rest was dropped at the SIPp callee)'
        p(f"| {TARGET_N_CONCURRENT} concurrent calls, 0 failed, < {TARGET_LOSS_PCT} % loss | {c500['calls_ok']} ok / "
          f"{c500['calls_failed']} failed; loss {fmt(loss, 3)} % round trip, {fmt(rl, 3)} % in the relay, "
          f"{fmt(c500.get('uas_socket_drops'))} packets dropped at the callee's socket | "
          f"{(verdict(ok) + extra) if loss is not None or not calls_ok else 'loss not measured (LOSS_CAPTURE=0)'} |")
    else:
        p(f'| {TARGET_N_CONCURRENT} concurrent calls, 0 failed, < {TARGET_LOSS_PCT} % loss | – | not run |')
    l200 = next((r for r in relay if r['N'] == TARGET_LAT_N and r['system'] == 'callrec' and r.get('latency')), None)
    if l200 and (l200['latency'].get('all') or {}).get('p99_us') is not None:
        p99 = l200['latency']['all']['p99_us']
        p(f"| p99 added latency < {TARGET_P99_US} µs at {TARGET_LAT_N} calls | p99 {p99} µs (p50 {l200['latency']['all']['p50_us']}, "
          f"max {l200['latency']['all']['max_us']}) | {verdict(p99 < TARGET_P99_US)} |")
    else:
        p(f'| p99 added latency < {TARGET_P99_US} µs at {TARGET_LAT_N} calls | – | not run |')
    cs = [r for r in setup if r['system'] == 'callrec']
    if cs:
        clean = [r for r in cs if r['calls_failed'] == 0 and r.get('achieved_cps')]
        best = max((r['achieved_cps'] for r in clean), default=0)
        clean_both = [r for r in clean if not r.get('uas_calls_failed')]
        best_both = max((r['achieved_cps'] for r in clean_both), default=0)
        note = ''
        if best >= TARGET_CPS and best_both < TARGET_CPS:
            note = (' for the caller; but the callee saw some calls fail (BYE before ACK) at every rate'
                    if best_both == 0 else f' for the caller; counting calls the callee saw fail, the best clean rate is {best_both}/s')
        p(f"| ≥ {TARGET_CPS} call setups/s | best with 0 failed: {best}/s ("
          + ', '.join(f"{r['rate']}/s offered: {fmt(r.get('achieved_cps'))} achieved, {r['calls_failed']} failed, "
                      f"{fmt(r.get('uas_calls_failed'))} failed at the callee" for r in cs)
          + f") | {verdict(best >= TARGET_CPS)}{note} |")
    else:
        p(f'| ≥ {TARGET_CPS} call setups/s | – | not run |')
    r200 = next((r for r in relay if r['N'] == TARGET_RSS_N and r['system'] == 'callrec' and r.get('variant') != 'plain'), None)
    plain = next((r for r in relay if r['N'] == TARGET_RSS_N and r['system'] == 'callrec' and r.get('variant') == 'plain'), None)
    if r200:
        extra = f" (plain java -jar: {plain['relay_rss_peak_mb']} MB)" if plain else ''
        p(f"| RSS ≤ {TARGET_RSS_MB} MB at {TARGET_RSS_N} calls | peak {r200['relay_rss_peak_mb']} MB{extra} | "
          f"{verdict(r200['relay_rss_peak_mb'] <= TARGET_RSS_MB)} |")
    else:
        p(f'| RSS ≤ {TARGET_RSS_MB} MB at {TARGET_RSS_N} calls | – | not run |')
    p('')

    # where callrec spends its CPU
    thr = [r for r in relay if r['system'] == 'callrec' and r.get('threads')]
    if thr:
        p('## callrec threads in the steady window (% of one core)\n')
        for r in thr:
            top = list(r['threads'].items())[:8]
            p(f"- N={r['N']} {name(r)}: " + ', '.join(f'{k} {v}' for k, v in top))
        p('')
    gc = [r for r in relay if r.get('jstat_gcutil')]
    if gc:
        p('## callrec GC at the end of each run (`jstat -gcutil`)\n')
        for r in gc:
            p(f"- N={r['N']} {name(r)}:\n\n```\n{r['jstat_gcutil']}\n```")
        p('')
    return '\n'.join(out)


def main():
    if sys.argv[1] == '--row':
        print(row_summary(json.loads(sys.argv[2])))
        return
    rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
    print(report(rows))


if __name__ == '__main__':
    main()
