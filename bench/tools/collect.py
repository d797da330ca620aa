#!/usr/bin/env python3
"""Turns the files one benchmark run left in its directory into one JSON line (stdout).

usage: collect.py relay DIR key=value...   (a long-call run: sample*.json, uac_stat.csv, uas.out,
                                             legs.json, latency.json, health_end.json, ...)
       collect.py setup DIR key=value...   (a call-setup-rate run: uac_stat.csv, *_rtt.csv, sample.json)
key=value pairs (run metadata from relay-bench.sh) are copied into the line; values that look like
integers become integers.
"""
import csv
import glob
import json
import os
import re
import sys

PKTS_PER_CALL_ONE_WAY = {'pcap': 944,    # g711a.pcap has 236 RTP packets, played 4 times per call
                         'stream': 1412}  # rtp_stream: 28.24 s of 20 ms packets (SIPp's clock decides the last one or two)


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def last_stat_row(path):
    try:
        rows = list(csv.DictReader(open(path), delimiter=';'))
    except OSError:
        return None
    return rows[-1] if rows else None


def seconds(hms):
    """SIPp's 'HH:MM:SS:uuuuuu' or 'HH:MM:SS' -> seconds"""
    parts = hms.strip().split(':')
    h, m, s = int(parts[0]), int(parts[1]), int(parts[2])
    us = int(parts[3]) if len(parts) > 3 else 0
    return h * 3600 + m * 60 + s + us / 1e6


def meta(args):
    out = {}
    for a in args:
        k, v = a.split('=', 1)
        out[k] = int(v) if re.fullmatch(r'-?\d+', v) else v
    return out


def uas_echo_count(path):
    """Last 'Total echo RTP pckts 1st stream' of the SIPp UAS screen (what the callee got and echoed)."""
    n = None
    try:
        for line in open(path, errors='replace'):
            m = re.match(r'\s*(\d+) Total echo RTP pckts 1st stream', line)
            if m:
                n = int(m.group(1))
    except OSError:
        pass
    return n


def uas_calls(d):
    """(successful, failed, unexpected BYE, ACK for an unknown call) as the SIPp callee saw them: its
    last statistics screen and its error log. A failed callee-side call can hide behind a successful
    caller-side one when the B2BUA answers the caller by itself."""
    ok = failed = None
    try:
        for line in open(os.path.join(d, 'uas.out'), errors='replace'):
            m = re.match(r'\s*Successful call\s*\|\s*\d+\s*\|\s*(\d+)', line)
            if m:
                ok = int(m.group(1))
            m = re.match(r'\s*Failed call\s*\|\s*\d+\s*\|\s*(\d+)', line)
            if m:
                failed = int(m.group(1))
    except OSError:
        pass
    bye = ack = 0
    for f in glob.glob(os.path.join(d, 'uas_pcma_*_errors.log')):
        text = open(f, errors='replace').read()
        bye += text.count('Aborting call on an unexpected BYE')
        ack += len(re.findall(r"while expecting 'INVITE' \(index 0\), received 'ACK", text))
    return ok, failed, bye, ack


def tcpdump_stats(path):
    """(captured, dropped by kernel) from tcpdump's exit lines."""
    cap = drop = None
    try:
        for line in open(path, errors='replace'):
            m = re.match(r'(\d+) packets? captured', line)
            if m:
                cap = int(m.group(1))
            m = re.match(r'(\d+) packets? dropped by kernel', line)
            if m:
                drop = int(m.group(1))
    except OSError:
        pass
    return cap, drop


def relay(d, m):
    s = load_json(os.path.join(d, 'sample.json')) or {}
    sf = load_json(os.path.join(d, 'sample_full.json')) or {}
    row = last_stat_row(os.path.join(d, 'uac_stat.csv')) or {}
    legs = load_json(os.path.join(d, 'legs.json'))
    lat = load_json(os.path.join(d, 'latency.json'))
    relay_group = 'callrec' if m['system'] == 'callrec' else 'rtpengine'
    r = dict(m)
    r['kind'] = 'relay'
    r['calls_ok'] = int(row.get('SuccessfulCall(C)', 0) or 0)
    r['calls_failed'] = int(row.get('FailedCall(C)', 0) or 0)
    r['retrans'] = int(row.get('Retransmissions(C)', 0) or 0)
    r['call_length'] = row.get('CallLength(C)')
    g = s.get(relay_group, {})
    r['relay_cpu_pct'] = g.get('cpu_avg')
    r['relay_cpu_sched_pct'] = g.get('cpu_sched_avg')
    r['relay_cpu_peak_pct'] = g.get('cpu_peak')
    r['relay_cpu_user_pct'] = g.get('cpu_user')
    r['relay_cpu_sys_pct'] = g.get('cpu_sys')
    r['relay_rss_peak_mb'] = round(max(g.get('rss_peak_kb', 0), sf.get(relay_group, {}).get('rss_peak_kb', 0)) / 1024, 1)
    if 'kamailio' in s:
        r['kamailio_cpu_pct'] = s['kamailio']['cpu_avg']
        r['kamailio_cpu_full_pct'] = sf.get('kamailio', {}).get('cpu_avg')
        r['kamailio_rss_peak_mb'] = round(max(s['kamailio']['rss_peak_kb'], sf.get('kamailio', {}).get('rss_peak_kb', 0)) / 1024, 1)
        r['kamailio_pss_peak_mb'] = round(max(s['kamailio']['pss_peak_kb'], sf.get('kamailio', {}).get('pss_peak_kb', 0)) / 1024, 1)
    r['relay_cpu_full_pct'] = sf.get(relay_group, {}).get('cpu_avg')
    r['sipp_uac_cpu_pct'] = s.get('sipp_uac', {}).get('cpu_avg')
    r['sipp_uas_cpu_pct'] = s.get('sipp_uas', {}).get('cpu_avg')
    r['tcpdump_cpu_pct'] = s.get('tcpdump', {}).get('cpu_avg')
    r['machine_busy_pct'] = s.get('_machine_busy_pct_of_all_cores')
    r['other_busy_pct'] = s.get('_other_busy_pct')
    r['window_s'] = s.get('_window_s')
    c = s.get('counter') or {}
    r['relayed_pkts_window'] = c.get('packets')
    if c.get('packets') and c.get('window_s'):
        pps = c['packets'] / c['window_s']
        r['relayed_pps'] = round(pps, 1)
        if g.get('cpu_avg') is not None:
            r['cpu_us_per_pkt'] = round(g['cpu_avg'] / 100.0 / pps * 1e6, 2)
            if 'kamailio' in s:
                r['cpu_us_per_pkt_with_kamailio'] = round((g['cpu_avg'] + s['kamailio']['cpu_avg']) / 100.0 / pps * 1e6, 2)
        if g.get('cpu_sched_avg') is not None:
            r['cpu_us_per_pkt_sched'] = round(g['cpu_sched_avg'] / 100.0 / pps * 1e6, 2)
    r['threads'] = (s.get('threads') or {}).get('cpu_pct')
    r['uas_echoed'] = uas_echo_count(os.path.join(d, 'uas.out'))
    r['uas_calls_ok'], r['uas_calls_failed'], r['uas_unexpected_bye'], r['uas_ack_unknown_call'] = uas_calls(d)
    expected = r['calls_ok'] * PKTS_PER_CALL_ONE_WAY[m.get('load', 'pcap')]
    r['expected_one_way'] = expected
    try:
        r['uas_socket_drops'] = int(open(os.path.join(d, 'uas_socket_drops.txt')).read().strip())
    except (OSError, ValueError):
        r['uas_socket_drops'] = None
    if legs:
        r['legs'] = legs
        sent, to_callee = legs['caller_to_relay'], legs['relay_to_callee']
        from_callee, back = legs['callee_to_relay'], legs['relay_to_caller']
        r.update({'uac_sent': sent, 'uac_got_back': back, 'uac_ports_seen': legs['uac_ports']})
        if sent:
            # end to end: what the callers sent and did not get back, wherever it was lost
            r['loss_round_trip_pct'] = round(100.0 * (sent - back) / sent, 4)
            if r['uas_echoed'] is not None:
                r['loss_to_callee_pct'] = round(100.0 * (sent - r['uas_echoed']) / sent, 4)
            # in the relay: packets in minus packets out, both directions, over packets in
            lost_in_relay = (sent - to_callee) + (from_callee - back)
            r['relay_lost_pkts'] = lost_in_relay
            r['relay_loss_pct'] = round(100.0 * lost_in_relay / max(1, sent + from_callee), 4)
            if r['uas_echoed'] is not None:
                r['callee_lost_pkts'] = to_callee - r['uas_echoed']
    cap, drop = tcpdump_stats(os.path.join(d, 'capture.err'))
    r['capture_packets'], r['capture_dropped'] = cap, drop
    if lat:
        r['latency'] = lat
        lcap, ldrop = tcpdump_stats(os.path.join(d, 'latency.err'))
        r['latency']['capture_dropped'] = ldrop
    h = load_json(os.path.join(d, 'health_end.json'))
    if h:
        r['relay_totals_end'] = h.get('relay', {}).get('totals')
        r['calls_end'] = h.get('calls')
    try:
        txt = open(os.path.join(d, 'rtpengine_totals_end.txt'), errors='replace').read()
        tot = {}
        for key in ('Total relayed packets', 'Total relayed packet errors', 'Total relayed bytes'):
            mm = re.search(r'^\s*' + re.escape(key) + r'\s*:(\d+)', txt, re.M)
            if mm:
                tot[key] = int(mm.group(1))
        r['relay_totals_end'] = tot
    except OSError:
        pass
    ks = load_json(os.path.join(d, 'kernel_shares.json'))
    if ks:
        r['kernel_shares'] = ks
    try:
        r['jstat_gcutil'] = open(os.path.join(d, 'jstat.txt')).read().strip()
    except OSError:
        pass
    return r


def setup(d, m):
    row = last_stat_row(os.path.join(d, 'uac_stat.csv')) or {}
    s = load_json(os.path.join(d, 'sample.json')) or {}
    r = dict(m)
    r['kind'] = 'setup'
    r['calls_ok'] = int(row.get('SuccessfulCall(C)', 0) or 0)
    r['calls_failed'] = int(row.get('FailedCall(C)', 0) or 0)
    r['retrans'] = int(row.get('Retransmissions(C)', 0) or 0)
    el = seconds(row['ElapsedTime(C)']) if row.get('ElapsedTime(C)') else None
    r['elapsed_s'] = el
    if el:
        r['achieved_cps'] = round(r['calls_ok'] / el, 1)
    r['uas_calls_ok'], r['uas_calls_failed'], r['uas_unexpected_bye'], r['uas_ack_unknown_call'] = uas_calls(d)
    st = load_json(os.path.join(d, 'setup_times.json')) or {}
    for k in ('p50', 'p99', 'max'):
        if st.get(k + '_ms') is not None:
            r['setup_ms_' + k] = st[k + '_ms']
    r['invites_seen'] = st.get('invites')
    r['answered_seen'] = st.get('answered')
    grp = 'callrec' if m['system'] == 'callrec' else 'rtpengine'
    r['cpu_pct'] = s.get(grp, {}).get('cpu_avg')
    r['kamailio_cpu_pct'] = s.get('kamailio', {}).get('cpu_avg')
    r['sipp_cpu_pct'] = round(s.get('sipp_uac', {}).get('cpu_avg', 0) + s.get('sipp_uas', {}).get('cpu_avg', 0), 1)
    r['rss_peak_mb'] = round(s.get(grp, {}).get('rss_peak_kb', 0) / 1024, 1)
    r['other_busy_pct'] = s.get('_other_busy_pct')
    r['threads'] = (s.get('threads') or {}).get('cpu_pct')
    if r.get('achieved_cps') and r['cpu_pct'] is not None:
        cpu = r['cpu_pct'] + (r['kamailio_cpu_pct'] or 0)
        r['cpu_ms_per_call'] = round(cpu / 100.0 / r['achieved_cps'] * 1000, 3)
    return r


def main():
    kind, d = sys.argv[1], sys.argv[2]
    m = meta(sys.argv[3:])
    print(json.dumps(relay(d, m) if kind == 'relay' else setup(d, m)))


if __name__ == '__main__':
    main()
