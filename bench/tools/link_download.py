#!/usr/bin/env python3
"""Download throughput through a recording link (link-bench.sh).

usage: link_download.py LINK_URL OUT.json [RANGES] [RANGE_BYTES] [SAVE_DIR]

1. GET LINK_URL with Accept: application/json: the manifest (its files: name, bytes, sha256).
2. Each listed file whole (GET, 200): time to the first byte, time to the last, MB/s; the body's
   SHA-256 is checked against the manifest after the clock stops.
3. For each file, RANGES (200) requests of RANGE_BYTES (1 MiB) at random offsets (seeded, so every run
   asks the same offsets of a file of the same size): each must be 206 with the right Content-Range and
   exactly the bytes at that offset in the whole download. Latency = request sent -> last body byte;
   p50/p99/max, and MB/s = bytes / the sum of the latencies.
One keep-alive HTTP/1.1 connection per phase (http.client), as a player would hold; bodies are read
into a preallocated buffer, so the client costs little CPU beside the server on the same cores.
SAVE_DIR: the whole files are also written there (for ffprobe). Exit status 1 when any check fails.
"""
import hashlib
import http.client
import json
import os
import random
import sys
import time
from urllib.parse import urlsplit

CHUNK = 1 << 20


def read_body(resp, buf):
    """Reads the whole body into buf (a memoryview at least as long); returns (bytes read, first-byte time)."""
    n, first = 0, None
    while True:
        k = resp.readinto(buf[n:n + CHUNK])
        if not k:
            return n, first
        if first is None:
            first = time.perf_counter()
        n += k


def pct(sorted_values, p):
    return sorted_values[min(len(sorted_values) - 1, int(p * len(sorted_values)))]


def whole(conn, path, query, entry):
    size = int(entry['bytes'])
    data = bytearray(size + 1)  # one spare byte: a longer body shows as size + 1
    t0 = time.perf_counter()
    conn.request('GET', f'{path}/{entry["name"]}?{query}')
    resp = conn.getresponse()
    n, first = read_body(resp, memoryview(data))
    t1 = time.perf_counter()
    ok = resp.status == 200 and n == size and hashlib.sha256(data[:n]).hexdigest() == entry['sha256']
    return data[:n], {'file': entry['name'], 'bytes': size, 'status': resp.status, 'got': n,
                      'ttfb_ms': round((first - t0) * 1000, 2) if first else None, 'seconds': round(t1 - t0, 4),
                      'mb_s': round(n / 1e6 / (t1 - t0), 1), 'sha256_ok': ok}


def ranges(conn, path, query, entry, body, count, length):
    size = len(body)
    length = min(length, size)
    rnd = random.Random(f'{entry["name"]}:{size}')
    buf = memoryview(bytearray(length + 1))
    lat, bad, total = [], 0, 0
    for _ in range(count):
        a = rnd.randrange(0, size - length + 1)
        b = a + length - 1
        t0 = time.perf_counter()
        conn.request('GET', f'{path}/{entry["name"]}?{query}', headers={'Range': f'bytes={a}-{b}'})
        resp = conn.getresponse()
        n, _first = read_body(resp, buf)
        lat.append(time.perf_counter() - t0)
        total += n
        if (resp.status != 206 or resp.getheader('Content-Range') != f'bytes {a}-{b}/{size}' or n != length
                or buf[:n] != body[a:b + 1]):
            bad += 1
    s = sorted(lat)
    return {'file': entry['name'], 'requests': count, 'range_bytes': length, 'bad': bad,
            'p50_ms': round(pct(s, 0.50) * 1000, 2), 'p99_ms': round(pct(s, 0.99) * 1000, 2),
            'max_ms': round(s[-1] * 1000, 2), 'mb_s': round(total / 1e6 / sum(lat), 1)}


def main():
    url, out = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    length = int(sys.argv[4]) if len(sys.argv) > 4 else CHUNK
    save = sys.argv[5] if len(sys.argv) > 5 else None
    u = urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    conn.request('GET', f'{u.path}?{u.query}', headers={'Accept': 'application/json'})
    resp = conn.getresponse()
    manifest = json.loads(resp.read())
    files = [f for f in manifest.get('files', []) if {'name', 'bytes', 'sha256'} <= f.keys()]
    res = {'manifest_status': resp.status, 'files': [], 'ranges': []}
    bodies = {}
    for f in files:
        body, row = whole(conn, u.path, u.query, f)
        res['files'].append(row)
        bodies[f['name']] = body
        if save:
            os.makedirs(save, exist_ok=True)
            with open(os.path.join(save, f['name']), 'wb') as w:
                w.write(body)
    conn.close()
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    for f in files:
        if len(bodies[f['name']]) == int(f['bytes']):
            res['ranges'].append(ranges(conn, u.path, u.query, f, bodies[f['name']], count, length))
    conn.close()
    with open(out, 'w') as w:
        json.dump(res, w, indent=1)
    failed = (resp.status != 200 or not files or any(not r['sha256_ok'] for r in res['files'])
              or any(r['bad'] for r in res['ranges']))
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
