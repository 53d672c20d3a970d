#!/usr/bin/env python3
"""Prints the findings of a `cargo loop ci --format json` document on stdin, one per line."""
import json, sys

doc = json.load(sys.stdin)
for g in doc["groups"]:
    first = g["instances"][0]
    print(f"  {g['rule']} {first['file']}:{first['start_line']} ({len(g['instances'])} copies)")
for s in doc["smells"]:
    at = s["locations"][0]
    print(f"  {s['rule']} {at['file']}:{at['start_line']} {s['message'][:70]}")
