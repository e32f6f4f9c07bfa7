"""gunicorn's configuration (`make serve`: `gunicorn -c config/gunicorn.conf.py config.wsgi`).

Everything comes from the environment, read as `config/settings.py` reads it (a malformed number
stops the start with a message). gunicorn reads this file before Django is loaded, so the two
helpers below repeat the settings' `env_int`/`env_str` instead of importing the settings.

Several servers: each gunicorn process is stateless (sessions in PostgreSQL or Redis, locks and
numbers in PostgreSQL); run as many behind the reverse proxy as the load needs (README,
"Deployment on several machines").
"""

import multiprocessing
import os


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from None


wsgi_app = "config.wsgi:application"
# One or more addresses, comma-separated: 127.0.0.1:8000 behind a proxy on the same machine,
# 0.0.0.0:8000 (or the private address) behind a proxy on another machine.
bind = [address.strip() for address in env_str("BIND", "127.0.0.1:8000").split(",") if address.strip()]
# Synchronous workers (one request each at a time): the pages are short and the database does the
# waiting. WEB_CONCURRENCY is the conventional name (Heroku, Render, …).
workers = env_int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = env_int("GUNICORN_THREADS", 1)
# A request still running after this many seconds is killed and its worker replaced (the national
# report takes ~1 s; bundles of many dossiers run in the background worker, not here).
timeout = env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = env_int("GUNICORN_KEEPALIVE", 5)
# Workers are replaced after this many requests (a slow leak never grows for ever); 0 = never.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = env_int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# The reverse proxy's addresses, whose X-Forwarded-Proto/-For gunicorn trusts (comma-separated,
# "*" for any: only when nothing but the proxy can reach the server).
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Bad input at the edge: a request line or header longer, or more headers, than a browser sends is
# refused by gunicorn (400) before Django sees it.
limit_request_line = env_int("GUNICORN_LIMIT_REQUEST_LINE", 4094)
limit_request_fields = env_int("GUNICORN_LIMIT_REQUEST_FIELDS", 100)
limit_request_field_size = env_int("GUNICORN_LIMIT_REQUEST_FIELD_SIZE", 8190)

# Logs to the standard streams (journald, docker) unless files are named; "" switches the access log off.
accesslog = env_str("GUNICORN_ACCESS_LOG", "-") or None
errorlog = env_str("GUNICORN_ERROR_LOG", "-")
loglevel = env_str("LOG_LEVEL", "info").lower()
# The proxy's client address, the request, status, size and the time taken in milliseconds.
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'
proc_name = env_str("GUNICORN_PROC_NAME", "partydev")

# gunicorn 27's control socket (one per user by default) would clash between two servers on one
# machine; it is not used here.
control_socket_disable = True

# Without Redis, every process has its own memory cache, and cached sessions would outlive a
# logout made through another process (for up to the cache timeout): under gunicorn the sessions
# are then read from PostgreSQL only, and a user's version (a role revoked, a second factor reset)
# would not reach the other processes. With REDIS_URL the cache is shared and cached_db is kept.
if not os.environ.get("REDIS_URL"):
    os.environ.setdefault("SESSION_ENGINE", "django.contrib.sessions.backends.db")
    # For the same reason, nothing is kept per user across requests (settings.PER_USER_CACHE).
    os.environ.setdefault("PER_USER_CACHE", "off")
