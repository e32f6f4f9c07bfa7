"""The product's settings with DEBUG off are fit to deploy (issue 18 §3): `check --deploy` reports
no warning, a weak SECRET_KEY stops start-up, every page carries a Content-Security-Policy that
allows no inline script, and no template of ours has one."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


def production_env(**extra: str) -> dict[str, str]:
    """What the README's deployment section asks an operator to set, and nothing of the tests'."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "HTTPS", "HSTS"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="0",
               SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="dangvien.tinhuy.example.vn",
               CSRF_TRUSTED_ORIGINS="https://dangvien.tinhuy.example.vn")
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def production_settings(**extra: str) -> dict:
    names = ["DEBUG", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE",
             "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "STORAGES", "WHITENOISE_USE_FINDERS",
             "SESSION_IDLE_MINUTES", "SESSION_EXPIRE_AT_BROWSER_CLOSE", "CONTENT_SECURITY_POLICY"]
    code = ("import json, django; from django.conf import settings; django.setup(); "
            f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}))")
    done = run(["-c", code], production_env(**extra))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_check_deploy_reports_no_warning_with_the_production_environment():
    done = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout
    assert "WARNINGS" not in done.stdout + done.stderr


def test_check_deploy_would_warn_if_https_were_turned_off():
    # The test above can fail: the same check with HTTPS off reports the four warnings of the issue.
    done = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(HTTPS="0"))
    assert done.returncode != 0
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in done.stderr + done.stdout


def test_it_refuses_to_start_without_a_strong_secret_key_when_debug_is_off():
    for weak in ("", "short", "a" * 60, "django-insecure-" + secrets.token_urlsafe(50)):
        done = run(["-c", "import config.settings"], production_env(SECRET_KEY=weak))
        assert done.returncode != 0
        assert "SECRET_KEY must be set to a random value of at least 50 characters" in done.stderr


def test_production_serves_https_only_with_secure_cookies_and_compressed_static_files():
    prod = production_settings()
    assert prod["DEBUG"] is False
    assert prod["SECURE_SSL_REDIRECT"] and prod["SESSION_COOKIE_SECURE"] and prod["CSRF_COOKIE_SECURE"]
    assert prod["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert prod["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert prod["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedStaticFilesStorage"
    assert prod["WHITENOISE_USE_FINDERS"] is False
    assert prod["SESSION_IDLE_MINUTES"] == 30 and prod["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    other = production_settings(PROXY_SSL_HEADER="X-Forwarded-Ssl-Proto", SESSION_IDLE_MINUTES="10")
    assert other["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_SSL_PROTO", "https"]
    assert other["SESSION_IDLE_MINUTES"] == 10


def test_a_malformed_idle_time_stops_start_up():
    for bad in ("0", "ba mươi"):
        done = run(["-c", "import config.settings"], production_env(SESSION_IDLE_MINUTES=bad))
        assert done.returncode != 0 and "SESSION_IDLE_MINUTES" in done.stderr


def test_every_page_carries_a_policy_that_allows_no_inline_script(client, secretary_a):
    for response in (client.get(reverse("login")), client.force_login(secretary_a) or client.get("/")):
        policy = response.headers["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'", policy
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
        assert "unsafe-eval" not in policy
    from csp.middleware import CSPMiddleware  # noqa: PLC0415
    from django.utils.module_loading import import_string  # noqa: PLC0415

    assert any(issubclass(import_string(path), CSPMiddleware) for path in settings.MIDDLEWARE)



def test_the_policy_built_once_is_django_csps_and_follows_a_change_of_the_settings(client, settings):
    from csp.constants import HEADER  # noqa: PLC0415
    from csp.utils import build_policy  # noqa: PLC0415

    assert client.get(reverse("login")).headers[HEADER] == build_policy()
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["'self'", "data:"]}}
    policy = client.get(reverse("login")).headers[HEADER]
    assert policy == build_policy()
    assert sorted(part.strip() for part in policy.split(";")) == ["default-src 'self'", "img-src 'self' data:"]

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def our_templates() -> list[Path]:
    return [p for p in ROOT.rglob("*.html") if ".venv" not in p.parts and "staticfiles" not in p.parts
            and "artifacts" not in p.parts]


def test_no_template_of_ours_has_an_inline_script_an_event_handler_or_a_javascript_link():
    offenders = []
    for path in our_templates():
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, JAVASCRIPT_URL):
            offenders += [f"{path.relative_to(ROOT)}: {m.group(0)[:80]}" for m in pattern.finditer(text)]
    assert not offenders, "\n".join(offenders)
    assert INLINE_SCRIPT.search('<script>alert(1)</script>') and not INLINE_SCRIPT.search('<script src="/a.js">')
    assert EVENT_HANDLER.search('<a class="x" onclick="go()">') and JAVASCRIPT_URL.search('<a href="javascript:x">')
