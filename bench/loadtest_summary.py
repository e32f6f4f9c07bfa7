"""Print locust's CSV statistics (`--csv …` → …_stats.csv) as the table of bench/README.md:
requests, failures, requests/s, p50 and p95 per page and for all pages (`make loadtest`)."""

import csv
import sys


def main(path: str, users: str) -> None:
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    print(f"| page ({users} users) | requests | failures | req/s | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        name = "**all pages**" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        print(f"| {name} | {row['Request Count']} | {row['Failure Count']} | {float(row['Requests/s']):.1f} "
              f"| {row['50%']} | {row['95%']} | {float(row['Max Response Time']):.0f} |")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "?")
