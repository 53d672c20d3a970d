#!/usr/bin/env python3
"""Tabulate a fix run's audit log per finding kind: found / kept / held / rejected (step: reason)."""
import json, sys, collections, re, statistics, datetime
def kind(title):
    ren = 'renamed' in title
    if title.startswith('function duplicated'): return 'fn-t2' if ren else 'fn-t1'
    if title.startswith('method duplicated'): return 'method-t2' if ren else 'method-t1'
    if title.startswith('block of statements'): return 'block-t2' if ren else 'block-t1'
    if 'near-identical' in title: return 'near'
    if title.startswith('impl block'): return 'impl'
    return 'abstraction/other'
def ts(s): return datetime.datetime.fromisoformat(s.replace('Z','+00:00')).timestamp()
for path in sys.argv[1:]:
    ev=[json.loads(l) for l in open(path)]
    fnd={}; start={}; rows=collections.defaultdict(lambda: collections.Counter()); reasons=collections.defaultdict(collections.Counter); times=[]
    for e in ev:
        if e['event']=='finding' and 'title' in e: fnd[e['candidate']]=kind(e['title']); start[e['candidate']]=ts(e['ts'])
        if e['event']=='decision':
            k=fnd[e['candidate']]; rows[k]['found']+=1; rows[k][e['outcome']]+=1
            if e['outcome']=='kept': times.append(ts(e['ts'])-start[e['candidate']])
            if e['outcome']!='kept':
                r=re.sub(r'`[^`]*`','`X`',e['reason']); r=re.sub(r'\bD\d+\b','Dn',r); r=re.sub(r'[\w/]+\.rs:\d+','F:L',r)
                reasons[k][f"{e['outcome']}@{e['step']}: {r[:150]}"]+=1
    print(f"== {path}")
    print(f"{'kind':20} found kept held rejected")
    for k in sorted(rows): r=rows[k]; print(f"{k:20} {r['found']:5} {r['kept']:4} {r['held']:4} {r['rejected']:8}")
    if times: print(f"kept: {len(times)}, median wall s per kept: {statistics.median(times):.1f}")
    for k in sorted(reasons):
        if k in ('near','abstraction/other'): continue
        for r,n in reasons[k].most_common(): print(f"  {k}: {n}x {r}")
