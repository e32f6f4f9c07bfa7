"""The API against its own OpenAPI schema: schemathesis generates requests for every operation of
/api/schema/ and calls Django's WSGI application in-process; no answer is a 5xx and every answer
fits the schema. Kept small (a few examples per operation, derandomized) so the suite stays fast.
The docs page loads its scripts from this site's files: no inline script (the CSP forbids them)."""

import datetime as dt
import json
import re

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.services import token_create
from dossiers.models import State

from .factories import OrganizationFactory, UserFactory, dossier_in_state, org_tree

EXAMPLES = 8


@pytest.fixture
def keep_connection():
    """Django's test client does this for its requests: the end of a request must not close the
    test's connection (PostgreSQL closes a connection left in a transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_key(db, settings, keep_connection):
    """An administrator's key (every operation reachable) over a small district with dossiers."""
    settings.API_THROTTLE_RATES = {"api_read": "100000/min", "api_act": "100000/min"}
    tree = org_tree(cells=2)
    OrganizationFactory(parent=tree["district"])
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    for state in (State.SPOTTED, State.MENTORING):
        dossier_in_state(state, cell=tree["cells"][0], actor=admin)
    _token, raw = token_create(user=admin, name="schemathesis", expires_on=timezone.localdate() + dt.timedelta(days=1))
    return raw


def served_schema() -> dict:
    """What /api/schema/ serves (checked below), built at collection: schemathesis' lazy
    `from_fixture` does not run under pytest 9."""
    generator = SchemaGenerator()
    return json.loads(OpenApiJsonRenderer().render(generator.get_schema(request=None, public=True)))


schema = schemathesis.openapi.from_dict(served_schema())
schema.app = WSGIHandler()


@schema.parametrize()
@hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                     suppress_health_check=list(HealthCheck))
def test_no_answer_is_a_server_error_or_outside_the_schema(case, api_key):
    case.call_and_validate(headers={"Authorization": f"Bearer {api_key}"},
                           checks=[not_a_server_error, response_schema_conformance])


def test_the_schema_fuzzed_is_the_one_served(api_key):
    served = Client(HTTP_AUTHORIZATION=f"Bearer {api_key}").get(reverse("api_schema"), {"format": "json"})
    assert json.loads(served.content) == served_schema()


def test_the_schema_and_the_docs_need_a_login_and_the_docs_have_no_inline_script(secretary_a):
    anonymous = Client()
    assert anonymous.get(reverse("api_schema")).status_code == 401
    client = Client()
    client.force_login(secretary_a)
    assert client.get(reverse("api_schema")).status_code == 200
    html = client.get(reverse("api_docs")).content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts), scripts
    assert "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/" in html
    init = re.search(r'<script src="([^"]*script=[^"]*)"', html).group(1).replace("&amp;", "&")
    response = client.get(init)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/javascript")
