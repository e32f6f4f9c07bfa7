"""Print locust's CSV statistics (`--csv …` → …_stats.csv) as the table of bench/README.md:
requests, failures, requests/s, p50 and p95 per page and for all pages (`make loadtest`)."""

import csv
import os
import sys


def main(path: str, users: str, web_cpu: str = "", db_cpu: str = "") -> None:
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    print(f"| page ({users} users) | requests | failures | req/s | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        name = "**all pages**" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        print(f"| {name} | {row['Request Count']} | {row['Failure Count']} | {float(row['Requests/s']):.1f} "
              f"| {row['50%']} | {row['95%']} | {float(row['Max Response Time']):.0f} |")
    if web_cpu and db_cpu:
        # The server's CPU per request (gunicorn workers + PostgreSQL backends): what the requests
        # cost whatever else the machine was doing, and so what its cores hold when free.
        served = int(rows[-1]["Request Count"]) or 1
        web_ms, db_ms = 1000 * float(web_cpu) / served, 1000 * float(db_cpu) / served
        cores = os.cpu_count() or 1
        print(f"\nServer CPU per request: {web_ms + db_ms:.1f} ms (gunicorn {web_ms:.1f} + PostgreSQL {db_ms:.1f}); "
              f"{cores} idle cores would serve at most {1000 * cores / (web_ms + db_ms):.0f} requests/s of this mix.")


if __name__ == "__main__":
    main(*sys.argv[1:])
