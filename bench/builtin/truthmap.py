#!/usr/bin/env python3
"""For each planted type1/type2/block clone of a crate: which finding covered it and what fix decided."""
import json, sys, collections
crate, dupjson, audit = sys.argv[1:4]
truth = json.load(open(__import__('os').path.join(__import__('os').path.dirname(__file__), '..', 'work', 'truth.json')))
groups = json.load(open(dupjson))['groups']
ev = [json.loads(l) for l in open(audit)]
cand_fp = {e['candidate']: e['fingerprint'] for e in ev if e['event'] == 'finding' and 'fingerprint' in e}
dec = {}
for e in ev:
    if e['event'] == 'decision':
        dec.setdefault(cand_fp.get(e['candidate']), (e['outcome'], e['step'], e['reason'][:160]))
def overlap(a, g):
    return a['file'] == g['file'] and a['start_line'] <= g['end_line'] and g['start_line'] <= a['end_line']
tally = collections.Counter()
for c in truth['clones']:
    if c['crate'] != crate or c['type'] not in ('type1', 'type2', 'block'): continue
    best = None
    for g in groups:
        hits = sum(any(overlap(i, gi) for gi in g['instances']) for i in c['instances'])
        if hits >= 2 and (best is None or hits > best[0]): best = (hits, g)
    if not best:
        print(f"{c['id']:10} {c['type']:6} NOT FOUND {c['desc'].get('name','')}"); tally[(c['type'],'not found')] += 1; continue
    g = best[1]
    d = dec.get(g['fingerprint'], ('not tried', '', ''))
    tally[(c['type'], d[0])] += 1
    print(f"{c['id']:10} {c['type']:6} {g['id']:4} {g['kind']}/{g.get('type')} -> {d[0]}@{d[1]}: {d[2]}")
for k in sorted(tally): print(k, tally[k])
