"""The harness of the form fuzz (issue 18 §5; tests/test_fuzz_*.py): every POST endpoint of the
URLconf, posted with generated bad input straight to its view (RequestFactory, the user and an
unsaved session attached, no middleware: ~1–5 ms instead of a test client's 5–30 ms), each example
inside a savepoint rolled back, so one dossier per state serves every example.

A request is *accepted* when the view redirects without an error message; anything else (the form
again with its errors, 400, 403, 404, a redirect with an error message) is *refused*, and a refused
request writes no row. The one write a refused request legitimately makes is the personal-data
read log (permissions.PersonalDataRead: the page shown again displays the dossier's personal data,
and Law 91/2025 wants every such read kept), and a refused login its failed attempt (django-axes);
nothing else. No request may answer 5xx or raise.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

from django import forms
from django.contrib.messages import constants
from django.contrib.messages.storage.base import BaseStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from hypothesis import strategies as st

from permissions.models import PersonalDataRead

# Writes a refused request may make (see the module's docstring).
ALLOWED_WRITES = {PersonalDataRead._meta.db_table}
# … and, per endpoint, tables by prefix: a refused login is a failed attempt that the lockout
# (django-axes, issue 18 §1) records when it is installed.
ALLOWED_WRITES_BY_ENDPOINT = {"login": ("axes_",)}
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?([\w.]+)"?', re.I)

# POST endpoints deliberately not fuzzed, with the reason (test_every_post_view_is_fuzzed).
NOT_FUZZED = {
    "logout": "logs the user out; no form, no data",
    "set_language": "Django's own view; writes a cookie only",
}

# A session-level count of the inputs run (printed by the fuzz files, asserted per file).
RUN = {"inputs": 0}


class Messages(BaseStorage):
    """Messages kept on the request only (no cookie, no session)."""

    def _get(self, *args, **kwargs):
        return [], True

    def _store(self, messages, response, *args, **kwargs):
        return []


@dataclass
class Outcome:
    status: int
    accepted: bool
    writes: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


_factory = RequestFactory()


def post_views() -> dict[str, tuple[str, object]]:
    """Every named URL whose view handles POST: name → (route, view)."""
    found = {}

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith("admin/"):
                    continue  # Django's admin: staff only, its own forms
                ns = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "view_class", pattern.callback)
                if hasattr(view, "post") or getattr(view, "__name__", "") == "set_language":
                    found[namespace + str(pattern.name)] = (prefix + str(pattern.pattern), view)

    walk(get_resolver().url_patterns)
    return found


@functools.lru_cache(maxsize=256)
def _resolve(path: str):
    return resolve(path)


def post(user, path: str, data: dict, *, render: bool = True) -> Outcome:
    """POST `data` (values: str, a list of str for a repeated field, or an uploaded file) to the
    view of `path` as `user`, in a savepoint rolled back afterwards."""
    request = _factory.post(path, data)
    request._dont_enforce_csrf_checks = True  # as the test client does; CSRF is tested by Django
    request.user = user
    request.session = SessionStore()
    request._messages = Messages(request)
    match = _resolve(path)
    request.resolver_match = match
    connection.queries_log.clear()  # a full log (9,000 queries) would capture nothing
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        try:
            response = match.func(request, *match.args, **match.kwargs)
            if render and hasattr(response, "render"):
                response.render()
            status = response.status_code
        except Http404:
            status = 404
        except PermissionDenied:
            status = 403
        except SuspiciousOperation:
            status = 400
        finally:
            transaction.set_rollback(True)
    RUN["inputs"] += 1
    queued = list(request._messages._queued_messages)
    # Accepted: a redirect with no error message, or an answer that is the result itself: a file
    # downloaded (an export) or a secret shown once (a new API key).
    context = getattr(locals().get("response"), "context_data", None) or {}
    delivered = status == 200 and (locals()["response"].has_header("Content-Disposition") or bool(context.get("new_key")))
    accepted = delivered or (status in (301, 302, 303) and not any(m.level >= constants.ERROR for m in queued))
    writes = [m.group(1) for q in queries.captured_queries if (m := WRITE.match(q["sql"]))]
    if accepted or writes:
        for cache in _MEMOS:
            cache.clear()
    return Outcome(status, accepted, writes, [str(m) for m in queued])


def check(outcome: Outcome, what: str, data) -> None:
    assert outcome.status < 500, (what, outcome.status, data)
    if not outcome.accepted:
        prefixes = ALLOWED_WRITES_BY_ENDPOINT.get(what, ())
        written = sorted(t for t in set(outcome.writes) - ALLOWED_WRITES if not t.startswith(prefixes))
        assert written == [], (what, outcome.status, outcome.messages, written, data)


# --- Generated values --------------------------------------------------------------------------

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐĂÂÊÔƠƯ"
words = st.text(alphabet=VIETNAMESE + " -'.,", min_size=0, max_size=40)
nasty = st.sampled_from([
    "", " ", "\x00", "a\x00b", "\r\n", "\u202e", "\ufeff", "<script>alert(1)</script>", "' OR 1=1 --", "%s", "{{ x }}",
    "null", "None", "true", "NaN", "-1", "0", "1e309", "9" * 40, "-" + "9" * 25, "１２３", "٣", "😀", "\ud7ff",
    "../../etc/passwd", "0x10", " 5 ", "5.5", "1,5",
])
huge = st.sampled_from([5_000, 60_000]).map(lambda n: "Nguyễn Thị Ánh " * (n // 15))
dates = st.one_of(
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(
        lambda d: st.sampled_from([d.isoformat(), d.strftime("%d/%m/%Y")])).flatmap(lambda s: s),
    st.sampled_from(["31/02/2024", "2024-13-01", "00/00/0000", "1899-12-31", "2100-01-01", "29/02/2023", "ngày 1 tháng 1"]),
)
numbers = st.one_of(st.integers(min_value=-(2 ** 70), max_value=2 ** 70).map(str),
                    st.integers(min_value=-3, max_value=60).map(str))
anything = st.one_of(words, nasty, numbers, dates, st.text(max_size=30), huge)


def field_values(form_field: forms.Field, known: list[str]) -> st.SearchStrategy:
    """Values for one form field: its own kind (valid and out of range), other kinds, garbage."""
    choices = []
    if isinstance(form_field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
        choices = [str(pk) for pk in form_field.queryset.values_list("pk", flat=True)[:20]]
    elif hasattr(form_field, "choices"):
        choices = [str(value) for value, _label in form_field.choices if not isinstance(_label, list | tuple)]
    own = []
    if choices:
        own.append(st.sampled_from(choices))
    if known:
        own.append(st.sampled_from(known))  # ids of rows elsewhere (other cells, other users)
    if isinstance(form_field, forms.DateField):
        own.append(dates)
    if isinstance(form_field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        own.append(numbers)
    if isinstance(form_field, forms.BooleanField):
        own.append(st.sampled_from(["on", "true", "1", "", "off", "0", "false"]))
    if isinstance(form_field, forms.CharField):
        own.append(words)
    single = st.one_of(*own, anything) if own else anything
    if isinstance(form_field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        return st.lists(single, max_size=4)
    return st.one_of(single, single, single, st.lists(single, min_size=2, max_size=3))  # sometimes duplicated


uploads = st.one_of(
    st.binary(max_size=200).map(lambda b: SimpleUploadedFile("tệp.pdf", b)),
    st.sampled_from([b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n\0\0", b"\xff\xd8\xff\xe0\0"]).map(
        lambda b: SimpleUploadedFile("scan.png", b + b"\0" * 20)),
    st.just(""),
)


def form_data(fields: dict[str, st.SearchStrategy], extra: dict[str, st.SearchStrategy] | None = None):
    """A POST body: any subset of the fields (missing ones left out), plus an unknown field sometimes."""
    optional = dict(fields, **(extra or {}))
    return st.fixed_dictionaries({}, optional={**optional, "champ_la": anything})


def fields_of(form: forms.Form, known: dict[str, list[str]] | None = None) -> dict[str, st.SearchStrategy]:
    known = known or {}
    return {form.add_prefix(name): (uploads if isinstance(f, forms.FileField) else field_values(f, known.get(name, [])))
            for name, f in form.fields.items()}


def memoize_page_loads(monkeypatch, module, name: str = "dossier_for_page", *, fresh: bool = False):
    """The dossier a page loads depends on the URL only, never on the body being fuzzed: load it
    once per (user, pk) instead of the page's thirteen queries (its scoping is tested elsewhere,
    tests/test_scope_matrix.py). A request that wrote anything (then rolled back) may have changed
    the loaded object, so the next request loads it again. With `fresh`, every request gets its own
    copy (a pickle round trip): a model form given the dossier's candidate as its instance writes
    the bad input onto it even when it refuses."""
    import pickle

    original = getattr(module, name)
    cache = {}

    def load(*, user, pk):
        key = (user.pk, str(pk))
        if key not in cache:
            try:
                loaded = original(user=user, pk=pk)
                cache[key] = pickle.dumps(loaded) if fresh else loaded
            except Http404 as missing:
                cache[key] = missing
        if isinstance(cache[key], Http404):
            raise cache[key]
        return pickle.loads(cache[key]) if fresh else cache[key]

    _MEMOS[:] = [cache]
    monkeypatch.setattr(module, name, load)


_MEMOS: list[dict] = []


def fuzz_endpoint(user, path: str, bodies: st.SearchStrategy, *, examples: int, what: str,
                  render_every: int = 50) -> set[int]:
    """Post `examples` generated bodies to `path` as `user`; one in `render_every` has its page
    rendered in full (the template with the bad input shown again), the others stop at the view's
    response. Returns the statuses seen."""
    from hypothesis import HealthCheck, given, settings

    seen: set[int] = set()

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=bodies)
    def run(data):
        outcome = post(user, path, data, render=RUN["inputs"] % render_every == 0)
        seen.add(outcome.status)
        check(outcome, what, data)

    run()
    return seen


# --- The forms as the pages show them ---------------------------------------------------------

class _Forms(HTMLParser):
    """Every <form method="post"> of a page: action → {field name: (input type, [values offered])}."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path, self.forms, self.current, self.select = page_path, {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                action = urljoin(self.page_path, html.unescape(a.get("action") or "")).split("?")[0].split("#")[0]
                self.current = self.forms.setdefault(action or self.page_path, {})
            return
        if self.current is None or not a.get("name"):
            if tag == "option" and self.select is not None and a.get("value") is not None:
                self.select[1].append(a["value"])
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            entry = self.current.setdefault(name, (kind, []))
            if a.get("value") is not None and kind in ("hidden", "checkbox", "radio", "submit"):
                entry[1].append(a["value"])
        elif tag == "textarea":
            self.current.setdefault(name, ("textarea", []))
        elif tag == "select":
            self.select = self.current.setdefault(name, ("select", []))
        elif tag == "button" and a.get("value") is not None:
            self.current.setdefault(name, ("submit", []))[1].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def get_page(user, path: str) -> str:
    request = _factory.get(path)
    request.user = user
    request.session = SessionStore()
    request._messages = Messages(request)
    match = _resolve(path)
    request.resolver_match = match
    response = match.func(request, *match.args, **match.kwargs)
    if hasattr(response, "render"):
        response.render()
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def forms_on(user, page_path: str) -> dict[str, dict[str, tuple[str, list[str]]]]:
    parser = _Forms(page_path)
    parser.feed(get_page(user, page_path))
    return parser.forms


def strategies_for(fields: dict[str, tuple[str, list[str]]]) -> dict[str, st.SearchStrategy]:
    """Values for the fields a page offers: the values it offers (choices, hidden ids, buttons),
    values of the input's type out of range, and anything else."""
    out = {}
    for name, (kind, offered) in fields.items():
        if kind == "file":
            out[name] = uploads
            continue
        own = [anything]
        if offered:
            own.append(st.sampled_from(sorted(set(offered))))
        if kind == "date":
            own.append(dates)
        if kind == "number":
            own.append(numbers)
        single = st.one_of(*own)
        out[name] = st.one_of(single, single, single, st.lists(single, min_size=2, max_size=3))
    return out
