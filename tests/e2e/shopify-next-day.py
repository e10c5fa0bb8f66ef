#!/usr/bin/env python3
# shopify-next-day.py IN OUT: the export of tests/unit/data/shopify-79.csv
# a day later (the overlap of "the last 7 days" exports): #1003 captured
# (paid), #1004 cancelled, #1005 new; #1001 and #1002 as they were.
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
h = rows[0]
col = {n: i for i, n in enumerate(h)}
out = [h]
for r in rows[1:]:
    if r[col['Name']] == '#1003':
        r[col['Financial Status']] = 'paid'
    if r[col['Name']] == '#1004' and r[col['Currency']]:
        r[col['Cancelled at']] = '2026-11-24 10:00:00 +0100'
    out.append(r)
new = list(rows[-1]); new[col['Name']] = '#1005'; new[col['Id']] = '4500000005'
out.append(new)
csv.writer(open(sys.argv[2], 'w', newline='')).writerows(out)
