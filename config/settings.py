"""Settings for the party-membership case manager.

Every value that differs between machines comes from the environment through the tiny typed
helpers below; a malformed value stops start-up with a message instead of being guessed.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me" if DEBUG else "")


def strong_secret_key(key: str) -> bool:
    """Django's own bar (security.W009): 50 characters or more, 5 different ones or more, not one
    of Django's generated development keys."""
    return len(key) >= 50 and len(set(key)) >= 5 and not key.startswith("django-insecure-")


if not DEBUG and not strong_secret_key(SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off; make one with: "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# --- HTTPS (issue 18 §3). With DEBUG off the site is served over HTTPS only, behind a reverse proxy
# that terminates TLS and sets X-Forwarded-Proto (it must overwrite a value sent by the client).
# `manage.py check --deploy` then reports no warning (tests/test_production_settings.py).
HTTPS = env_bool("HTTPS", not DEBUG)
_proxy_header = env_str("PROXY_SSL_HEADER", "X-Forwarded-Proto" if HTTPS else "")
SECURE_PROXY_SSL_HEADER = (f"HTTP_{_proxy_header.upper().replace('-', '_')}", "https") if _proxy_header else None
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
# A year of HSTS once HTTPS is on; HSTS_SECONDS=0 turns it off while a site is being moved to HTTPS.
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "csp",
    "guardian",
    "simple_history",
    "viewflow",
    "viewflow.workflow",
    "dossiers",
    "permissions",
    "workflows",
    "documents",
    "reports",
    "exports",
    "imports",
    "ui",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "web",
    "ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.CSPMiddleware",  # django-csp's, the policy built once
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ui.sessions.IdleSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project templates first: they override viewflow's (login page, shell) where needed.
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# A SQLite file needs no set-up; DATABASE_URL=postgres://… selects PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent requests on the dev server wait for the write lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # The covering indexes (INCLUDE …) are for PostgreSQL at national scale; SQLite builds them on
    # their key columns, which is what it needs, and need not say so on every command.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first; English for the odd foreign auditor.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Django's vi locale leaves grouping unset, which prints 11328; users write 11.328.
FORMAT_MODULE_PATH = ["config.formats"]
USE_THOUSAND_SEPARATOR = True
NUMBER_GROUPING = 3

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# With DEBUG off, WhiteNoise serves what `collectstatic` gathered, gzip- and brotli-compressed (a
# slow commune line gets the 1.3 MB of scripts and styles as ~0.3 MB). Not the manifest storage:
# viewflow's Roboto stylesheet names font files it does not ship, which stops its post-processing.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
                    else "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_MAX_AGE = env_int("STATIC_MAX_AGE", 86_400)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "phattriendangvien@localhost")

# django-guardian: no anonymous user row; object permissions are org-scoped (permissions app).
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# The admission rules marked [R] in shared/domain.md are configurable; these are the defaults.
# Override any key with an environment variable PARTY_RULE_<KEY> (integers only).
PARTY_RULES = {
    # Name of the regulation quoted in refusals; changes when the Central Committee replaces it.
    "REGULATION": env_str("PARTY_REGULATION", "Quy định 232-QĐ/TW"),
    "CERTIFICATE_VALID_YEARS": 5,  # [R] CN-NTVĐ validity, checked on the branch vote date
    "INTRODUCER_MIN_MONTHS": 12,  # [C] introducer worked with the candidate ≥ 1 year
    "YOUTH_AGE_MAX": 30,  # [R] "độ tuổi thanh niên"
    # [R] Charter Art. 4 §1 (domain.md §2.1): where a grassroots Youth Union exists, a candidate of
    # youth age is a Youth Union member introduced by its executive committee (1 = enforced, 0 = off).
    "YOUTH_UNION_REQUIRED": 1,
    "READMISSION_WAIT_MONTHS": 36,  # [C] QĐ 232 3.5.1
    "READMISSION_CONVICTION_WAIT_MONTHS": 60,  # [C] QĐ 232 3.5.1
    "RECOGNITION_FAILED_VOTES_ESCALATE": 3,  # [C] QĐ 232 4.2c
    "DECISION_DEADLINE_WORKING_DAYS": 60,  # [C] QĐ 232 4.3.1
    "DECISION_EXTENSION_WORKING_DAYS": 30,  # [C] QĐ 232 4.3.1
    "CEREMONY_DEADLINE_WORKING_DAYS": 30,  # [C] QĐ 232 4.1
    # [R] Members exempted from party work and activities count in the base of a cell vote (1) or not (0).
    "EXEMPT_IN_VOTE_BASE": 0,
    # [R] A cell meeting is valid when more than this share (%) of its official members (exempted
    # members left out of the count) is present.
    "QUORUM_PERCENT": 50,
}
for _key, _value in list(PARTY_RULES.items()):
    if isinstance(_value, int):
        PARTY_RULES[_key] = env_int(f"PARTY_RULE_{_key}", _value)

DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo12345")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes logs every login at INFO (and a banner on every command); the attempts are in its
    # tables (Phân quyền → An toàn đăng nhập). Lockouts are warnings and still logged.
    "loggers": {"axes": {"level": env_str("AXES_LOG_LEVEL", "WARNING")}},
}

# The admin's "revert to this version" would bypass dossiers.services (and the protected state).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Working days allowed for the steps the rules do not time ("*" for any other step).
WORKFLOW_DEFAULT_DAYS = {
    "*": 10,
    "enroll_training": 30,
    "complete_training": 60,
    "verify_history": 30,
    "new_member_class": 200,
}

# Sessions read from the cache and fall back to the database: one query less on every page.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# A session ends after SESSION_IDLE_MINUTES without a request (ui.sessions.IdleSessionMiddleware: the
# user is sent to the login page with the reason), and when the browser closes. Its last request is
# written at most once a minute, not on every page.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
if SESSION_IDLE_MINUTES < 1:
    raise ImproperlyConfigured(f"SESSION_IDLE_MINUTES must be at least 1, got {SESSION_IDLE_MINUTES}")
SESSION_IDLE_REFRESH_SECONDS = 60
SESSION_COOKIE_AGE = env_int("SESSION_MAX_HOURS", 12) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Overdue tasks are escalated to the next level after this many working days.
WORKFLOW_ESCALATE_AFTER_DAYS = 5
# [R] The mentor evaluates the candidate / probationer every this many months (reference 001).
WORKFLOW_EVALUATION_MONTHS = 3
# Absolute address used in the links of notification emails.
WORKFLOW_SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# The walk from task to task by `workflows.engine` (in memory, one statement on PostgreSQL); False:
# viewflow's activations take every step, as before issue 21 (the engine's tests compare the two).
WORKFLOW_SET_ENGINE = True

# --- Official documents (documents app, issue 5) --------------------------------------------------
# Signed scans (PDF, JPEG, PNG) larger than this are refused; 10 MB unless UPLOAD_MAX_BYTES says otherwise.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# Background jobs (bundles for many dossiers): the django-tasks backport with the database backend
# of django-tasks-db; run `manage.py db_worker`. TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend
# runs them inline instead (tests do).
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.backend.DatabaseBackend")}}

# --- Content-Security-Policy (issue 18 §3, django-csp). Scripts only from this site's own static
# files: no inline script, no eval, nothing from another host (offline networks have no CDN anyway).
# Styles allow inline style attributes, which viewflow's Material components set. CSP_REPORT_ONLY=1
# sends the same policy as Content-Security-Policy-Report-Only while a change is being tried.
_CSP = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if env_bool("CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP

# --- Login protection and second factor (issue 18 §1, §2) ---
# django-axes: after LOGIN_FAILURE_LIMIT failed logins for one login name OR from one address, that
# login (or address) is refused for LOGIN_COOLOFF_MINUTES after its last failure, correct password
# or not; a success resets the count. An organisation board officer or an administrator unlocks it
# sooner (Roles and access → Login security), audited (accounts.SecurityEvent).
import datetime as _dt  # noqa: E402

INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static",
                   "accounts"]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = _dt.timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks (axes 8 syntax)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"  # the login page, in Vietnamese, until when
# The client's address: REMOTE_ADDR, or behind LOGIN_TRUSTED_PROXIES reverse proxies (nginx: 1) the
# entry that many from the right of X-Forwarded-For. Set it to the number of proxies that really
# append to the header: more lets a client choose his address, fewer locks the proxy's address.
LOGIN_TRUSTED_PROXIES = env_int("LOGIN_TRUSTED_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
# Attempts are counted under the typed login name, cut to the longest there is and without NUL.
AXES_USERNAME_CALLABLE = "accounts.lockout.client_username"

# django-otp: a TOTP app (QR code drawn by segno) and backup codes. Required for the roles that decide
# or see a whole subtree (accounts.second_factor.REQUIRED_ROLES) and superusers; TWO_FACTOR_ENFORCED=0
# turns the requirement off (the test settings do, except in the tests that check it).
TWO_FACTOR_ENFORCED = env_bool("TWO_FACTOR_ENFORCED", True)
OTP_TOTP_ISSUER = env_str("TWO_FACTOR_ISSUER", "Phát triển đảng viên")
# After n wrong codes the next is refused for factor × 2^(n-1) seconds (django-otp's throttling).
OTP_TOTP_THROTTLE_FACTOR = env_int("TWO_FACTOR_THROTTLE_FACTOR", 1)
OTP_STATIC_THROTTLE_FACTOR = OTP_TOTP_THROTTLE_FACTOR
# The demo logins' second factor (make run): a reusable code, accepted only while DEBUG is on.
DEMO_OTP_CODE = env_str("DEMO_OTP_CODE", "246810")

MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "accounts.middleware.OTPMiddleware")  # django-otp's, the session's device kept
MIDDLEWARE.insert(MIDDLEWARE.index("accounts.middleware.OTPMiddleware") + 1,
                  "accounts.middleware.SecondFactorMiddleware")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as django-axes asks

# --- REST API (issue 20) ---------------------------------------------------------------------------
# Django REST Framework under /api/v1/, its OpenAPI 3 schema at /api/schema/ (drf-spectacular) and
# Swagger UI at /api/docs/ with the assets shipped by drf-spectacular-sidecar (no CDN). Callers
# authenticate with a personal API key (Authorization: Bearer …), made on the page "Khóa API" from
# a logged-in session, or with the browser's session (CSRF enforced).
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)  # the longest a key may live
# Requests per key (or per user on a session): reads, and the acting endpoints (steps, tasks, candidates).
API_THROTTLE_RATES = {
    "api_read": env_str("API_RATE_READ", "300/min"),
    "api_act": env_str("API_RATE_ACT", "60/min"),
}
# A request body larger than this is refused with 413 (the API takes no files). Django's global
# DATA_UPLOAD_MAX_MEMORY_SIZE still applies to every request.
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 64 * 1024)
# How long the answer to an Idempotency-Key is kept: a retry within this time gets it again.
API_IDEMPOTENCY_HOURS = env_int("API_IDEMPOTENCY_HOURS", 24)
API_PAGE_SIZE = env_int("API_PAGE_SIZE", 50)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser", "rest_framework.parsers.FormParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Phát triển đảng viên — API",
    "DESCRIPTION": "The same rules and the same scope as the pages. The reference for every endpoint.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SERVE_AUTHENTICATION": ["api.authentication.ApiTokenAuthentication",
                             "rest_framework.authentication.SessionAuthentication"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"StateEnum": "dossiers.models.State"},
}

# --- Backup and bad input at the edge (issue 18 §4, §5) ----------------------------------------------
# `manage.py backup` writes one archive (database + MEDIA_ROOT + manifest) here and keeps the newest
# BACKUP_KEEP (0 keeps all); `manage.py restore FILE` puts one back (README "Backup and restore").
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(BASE_DIR / "backups")))
BACKUP_KEEP = env_int("BACKUP_KEEP", 14)
# Opening an uploaded PDF inflates at most this many bytes per stream (pypdf's limits; page
# content is never decoded then); an uploaded image has at most IMAGE_MAX_PIXELS pixels (a 600 dpi
# A4 scan has 35 million). Beyond either, the file is refused as a decompression bomb.
PDF_MAX_INFLATED_BYTES = env_int("PDF_MAX_INFLATED_BYTES", 32 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 50_000_000)
# A request whose Content-Length exceeds UPLOAD_MAX_BYTES + REQUEST_FORM_OVERHEAD_BYTES is refused
# (413) before its body is read (ops.edge); Django's own limits for form fields and in-memory files.
REQUEST_FORM_OVERHEAD_BYTES = env_int("REQUEST_FORM_OVERHEAD_BYTES", 256 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 1000)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
MIDDLEWARE.insert(0, "ops.edge.RequestSizeMiddleware")

# --- Several machines: Redis, replica, server (issue 18 §6) ---
# Cache and sessions on Redis when REDIS_URL is set (redis://host:6379/0), shared by every server
# process and machine; without it, each process keeps its own memory cache (as for `make run`).
# Sessions stay `cached_db`: read from the cache, written to both, so a Redis restart logs nobody
# out; a Redis outage falls back to PostgreSQL (IGNORE_EXCEPTIONS, logged). SESSION_ENGINE may be
# set (gunicorn without Redis sets it to `db`: memory caches are not shared between processes).
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"REDIS_URL must be a redis://, rediss:// or unix:// URL, got {REDIS_URL!r}")
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # One Redis may serve several installations (or the tests): each under its own prefix.
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "partydev"),
            "TIMEOUT": env_int("CACHE_TIMEOUT", 300),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
SESSION_ENGINE = env_str("SESSION_ENGINE", SESSION_ENGINE)
# What is kept about a user across requests (his menu, whether an optional second factor applies to
# him) is valid under his version in the cache (`permissions.user_version`), which a change made in
# any process must reach: off under gunicorn without Redis (config/gunicorn.conf.py sets it), where
# every process has its own memory cache. Off, each request computes them afresh.
PER_USER_CACHE = env_bool("PER_USER_CACHE", True)

# Reports and statistics read from a PostgreSQL streaming replica when DATABASE_REPLICA_URL is set
# (reports.routing: only the statistics' queries; scope, sessions and every write stay on the
# primary). Without it there is no second alias and no router.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=env_int("CONN_MAX_AGE", 60))
    DATABASE_ROUTERS = ["reports.routing.ReplicaRouter"]

# --- Import from Excel (issue 19) ---
# A file larger than IMPORT_MAX_BYTES is refused (10 MB: ~60,000 rows of the candidates template);
# one larger than IMPORT_BACKGROUND_BYTES is checked and imported on the task worker, with a
# progress bar, instead of inside the request.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_BACKGROUND_BYTES = env_int("IMPORT_BACKGROUND_BYTES", 256 * 1024)
