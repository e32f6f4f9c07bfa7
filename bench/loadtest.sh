#!/usr/bin/env bash
# `make loadtest` (issue 18 §7): gunicorn with WORKERS workers on the bench database, the load
# users' sessions, then locust headless for RUN_TIME against 127.0.0.1 only; CSV statistics in
# OUT_DIR. The server is stopped whatever happens (trap). Variables: see the Makefile.
set -euo pipefail
: "${PY:=.venv/bin/python}" "${DATABASE_URL:?}" "${USERS:=10}" "${SPAWN_RATE:=5}" "${RUN_TIME:=60s}"
: "${WORKERS:=4}" "${PORT:=8077}" "${OUT_DIR:=bench/loadtest}"
mkdir -p "$OUT_DIR"
# One secret for the sessions made here and the server that reads them; this run only.
SECRET_KEY="loadtest-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(32))')"
export SECRET_KEY DATABASE_URL
DJANGO_SETTINGS_MODULE=config.settings_bench "$PY" manage.py loadtest_sessions --out "$OUT_DIR/sessions.json"

# The product's settings, DEBUG off, no Redis (sessions in PostgreSQL: config/gunicorn.conf.py).
# Plain HTTP on the loopback (HTTPS=0): in production the reverse proxy in front speaks TLS.
env -u REDIS_URL DJANGO_SETTINGS_MODULE=config.settings DEBUG=0 HTTPS=0 ALLOWED_HOSTS=127.0.0.1 \
    BIND="127.0.0.1:$PORT" WEB_CONCURRENCY="$WORKERS" GUNICORN_ACCESS_LOG="" LOG_LEVEL=WARNING \
    "$(dirname "$PY")/gunicorn" -c config/gunicorn.conf.py config.wsgi >"$OUT_DIR/gunicorn.log" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 100); do
    curl -fso /dev/null "http://127.0.0.1:$PORT/accounts/login/" && break
    kill -0 $SERVER 2>/dev/null || { cat "$OUT_DIR/gunicorn.log"; exit 1; }
    sleep 0.3
done
# Warm-up: every worker imports and connects before the measurement.
for _ in $(seq $((WORKERS * 3))); do curl -fso /dev/null "http://127.0.0.1:$PORT/accounts/login/"; done

cpu() { awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat; }
read -r busy0 total0 < <(cpu)
read -r web0 _db0 < <("$PY" bench/loadtest_cpu.py $SERVER "$DATABASE_URL")
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)" | tee "$OUT_DIR/machine.txt"
status=0
LOADTEST_SESSIONS="$OUT_DIR/sessions.json" "$(dirname "$PY")/locust" -f bench/locustfile.py --headless \
    --host "http://127.0.0.1:$PORT" -u "$USERS" -r "$SPAWN_RATE" --run-time "$RUN_TIME" --stop-timeout 5 \
    --only-summary --csv "$OUT_DIR/stats" --loglevel WARNING || status=$?
read -r busy1 total1 < <(cpu)
# The backends of the bench database are opened during the run (CONN_MAX_AGE keeps them): all theirs.
read -r web1 db1 < <("$PY" bench/loadtest_cpu.py $SERVER "$DATABASE_URL")
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); CPU busy during the run: $(( 100 * (busy1 - busy0) / (total1 - total0) )) %" \
    | tee -a "$OUT_DIR/machine.txt"
web=$(awk "BEGIN{print $web1 - $web0}")
"$PY" bench/loadtest_summary.py "$OUT_DIR/stats_stats.csv" "$USERS" "$web" "$db1" | tee "$OUT_DIR/summary.md"
exit $status
