"""CPU seconds spent so far by the load test's server: the gunicorn workers (children of the
master's pid) and the PostgreSQL backends connected to the bench database (`make loadtest`).
Taken before and after the run, the difference over the requests served is the server's CPU per
request, which says what the machine holds when nothing else runs on it."""

import os
import sys
from pathlib import Path

import psycopg

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def main(master: int, database_url: str) -> None:
    workers = [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    with psycopg.connect(database_url) as conn:
        backends = [row[0] for row in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")]
    print(f"{sum(map(cpu_seconds, workers)):.2f} {sum(map(cpu_seconds, backends)):.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
