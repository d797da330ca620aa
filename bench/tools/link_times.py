#!/usr/bin/env python3
"""End of call -> link ready, from a capture of the requester's SIP and the server's log (link-bench.sh).

usage: link_times.py SIP.pcap UAC_SIP_PORT CALLREC.log      prints JSON

From the capture (tcpdump on lo, microsecond timestamps), the requester's dialog: the stop INFO leaving
it ({"type":"stop"}, its first transmission), the 200 to it, callrec's recording-state "stopped" INFO,
the link MESSAGE reaching it (first transmission; retransmissions counted) and the requester's 200.
From callrec's log (millisecond timestamps, the same wall clock), the recording of that dialog (its
"started" line names the requester's Call-ID): "stopped" (the call layer took the stop INFO and told the
recorder), "finished" (files closed, manifest written, moved to the spool), "stored in" (every file verified and in storage, manifest last; the line carries its own
MB, seconds and MB/s) and "link delivered" (the requester's 200 reached the server).

The splits:  stop = stop sent -> stopped;  finish = stopped -> finished;  upload = finished -> stored;
             link = stored -> MESSAGE on the wire (signing the link, the delivery record, the MESSAGE);
             total = stop sent -> MESSAGE reaching the requester.
"""
import json
import os
import re
import sys
from datetime import datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pcapio import udp_packets  # noqa: E402

CALL_ID = re.compile(rb'^(?:Call-ID|i)\s*:\s*(\S+)', re.I | re.M)
CSEQ = re.compile(rb'^CSeq\s*:\s*\d+\s+(\w+)', re.I | re.M)
LOG_TIME = re.compile(r'^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})Z ')


def sip_events(path, uac):
    """The requester dialog's events: name -> first time (s since the epoch); 'message_sends' counts copies."""
    ev, stop_cid, msg_sends = {}, None, 0
    for t_ns, src, dst, payload in udp_packets(path):
        if uac not in (src, dst):
            continue
        line = payload[:payload.find(b'\r\n')] if b'\r\n' in payload else payload[:80]
        cid_m, cseq_m = CALL_ID.search(payload), CSEQ.search(payload)
        cid = cid_m.group(1) if cid_m else None
        method = cseq_m.group(1).upper() if cseq_m else b''
        t = t_ns / 1e9
        if src == uac and line.startswith(b'INFO ') and b'"type":"stop"' in payload:
            stop_cid = stop_cid or cid
            ev.setdefault('stop_sent', t)
        elif cid is None or cid != stop_cid:
            continue
        elif dst == uac and line.startswith(b'SIP/2.0 200') and method == b'INFO':
            ev.setdefault('stop_200', t)
        elif dst == uac and line.startswith(b'INFO ') and b'"state":"stopped"' in payload:
            ev.setdefault('state_stopped', t)
        elif dst == uac and line.startswith(b'MESSAGE '):
            msg_sends += 1
            ev.setdefault('message', t)
        elif src == uac and line.startswith(b'SIP/2.0 200') and method == b'MESSAGE':
            ev.setdefault('message_200', t)
        elif src == uac and line.startswith(b'BYE '):
            ev.setdefault('bye_sent', t)
    ev['message_sends'] = msg_sends
    return ev, (stop_cid.decode() if stop_cid else None)


def log_time(line):
    m = LOG_TIME.match(line)
    return datetime.fromisoformat(m.group(1) + '+00:00').timestamp() if m else None


def log_events(path, call_id):
    """The recording of the dialog with Call-ID call_id: its id, its lines' times, the upload's own figures."""
    rid, ev = None, {}
    for line in open(path, errors='replace'):
        if rid is None:
            m = re.search(r'recording (\S+) started: .*\(Call-ID ' + re.escape(call_id or '\0') + r'\)', line)
            if m:
                rid = m.group(1)
                ev['started_log'] = log_time(line)
            continue
        if f'recording {rid} stopped' in line:
            ev.setdefault('stopped_log', log_time(line))
        elif f'recording {rid} finished' in line:
            ev.setdefault('finished_log', log_time(line))
            m = re.search(r'(\d+) overflow packets', line)
            ev['overflow_packets'] = int(m.group(1)) if m else None
        elif f'recording {rid} stored in' in line:
            ev.setdefault('stored_log', log_time(line))
            m = re.search(r': (\d+) files, ([\d.]+) MB in ([\d.]+) s \((\d+) MB/s\)', line)
            if m:
                ev.update(files=int(m.group(1)), stored_mb=float(m.group(2)), upload_self_s=float(m.group(3)),
                          upload_self_mb_s=int(m.group(4)))
        elif f'recording {rid}: link delivered' in line:
            ev.setdefault('delivered_log', log_time(line))
        elif f'recording {rid}' in line and (' WARN ' in line or ' ERROR ' in line):
            ev.setdefault('warnings', []).append(line.strip()[:300])
    return rid, ev


def between(ev, a, b):
    return round(ev[b] - ev[a], 3) if ev.get(a) is not None and ev.get(b) is not None else None


def main():
    pcap, uac, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    sip, call_id = sip_events(pcap, uac)
    rid, lg = log_events(log, call_id)
    ev = {**sip, **lg}
    out = {'call_id': call_id, 'recording_id': rid,
           'stop_s': between(ev, 'stop_sent', 'stopped_log'),
           'finish_s': between(ev, 'stopped_log', 'finished_log'),
           'upload_s': between(ev, 'finished_log', 'stored_log'),
           'link_s': between(ev, 'stored_log', 'message'),
           'total_s': between(ev, 'stop_sent', 'message'),
           'state_stopped_after_s': between(ev, 'stop_sent', 'state_stopped'),
           'message_to_200_s': between(ev, 'message', 'message_200'),
           'message_to_delivered_log_s': between(ev, 'message', 'delivered_log'),
           'recorded_s': between(ev, 'started_log', 'stop_sent'),
           'events': ev}
    for k in ('files', 'stored_mb', 'upload_self_s', 'upload_self_mb_s', 'overflow_packets', 'message_sends'):
        out[k] = ev.get(k)
    if out['stored_mb'] and out['upload_s']:
        out['upload_mb_s'] = round(out['stored_mb'] / out['upload_s'], 1) if out['upload_s'] > 0 else None
    print(json.dumps(out, indent=1))


if __name__ == '__main__':
    main()
