"""Reports from a replica (issue 18 §6): with `DATABASE_REPLICA_URL` set, the statistics' queries
go to the `replica` alias (here a test mirror of the default database, config/settings_test.py)
and nothing is written there; the user's scope, session and every write stay on the primary."""

import datetime as dt
import re

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dossiers.models import Dossier
from reports.routing import ReplicaRouter, replica_reads

from .factories import admitted_dossier, open_dossier

ROUTER = "reports.routing.ReplicaRouter"
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|CREATE|ALTER|DROP)\b", re.I)
# Tables whose rows decide who sees what (or are the session): never read from a lagging replica.
PRIMARY_TABLES = ("auth_", "django_session", "guardian_", "permissions_", "django_content_type")

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def with_replica(settings):
    settings.DATABASE_ROUTERS = [ROUTER]


@pytest.fixture
def district_figures(tree, cell_a, cell_b):
    today = timezone.localdate()
    admitted_dossier(cell=cell_a, decision_date=dt.date(today.year, 1, 15))
    open_dossier(cell=cell_b)
    return tree["district"]


def _get(client, user, url):
    client.force_login(user)
    with CaptureQueriesContext(connections["replica"]) as replica, \
            CaptureQueriesContext(connections["default"]) as primary:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response, [q["sql"] for q in replica.captured_queries], [q["sql"] for q in primary.captured_queries]


@pytest.mark.parametrize("page", ["/reports/", "/reports/report/", "/reports/ranking/", "/reports/quotas/"])
def test_the_statistics_of_every_report_page_are_read_from_the_replica(client, org_board, district_figures,
                                                                         with_replica, page):
    response, on_replica, on_primary = _get(client, org_board, f"{page}?org={district_figures.pk}")
    assert on_replica, "no statistics query reached the replica"
    assert any("dossiers_" in sql for sql in on_replica)
    assert not [sql for sql in on_replica if WRITE.match(sql)]
    assert not [sql for sql in on_replica if any(t in sql for t in PRIMARY_TABLES)]
    # The user and the scope were read from the primary (the session comes from the cache).
    assert any("auth_user" in sql for sql in on_primary)
    assert any("permissions_" in sql or "guardian_" in sql for sql in on_primary)


def test_the_report_page_counts_the_same_on_the_replica_as_on_the_primary(client, settings, org_board,
                                                                          district_figures):
    url = f"/reports/report/?org={district_figures.pk}"
    _response, on_replica, _ = _get(client, org_board, url)
    assert on_replica == [], "no router without DATABASE_REPLICA_URL: nothing goes to the replica"
    plain = client.get(url).content.decode()
    settings.DATABASE_ROUTERS = [ROUTER]
    _response, on_replica, _ = _get(client, org_board, url)
    assert on_replica
    replicated = client.get(url).content.decode()
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", plain) == strip.sub("", replicated)


def test_writes_and_reads_inside_a_transaction_stay_on_the_primary(cell_a, with_replica):
    d = open_dossier(cell=cell_a)
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Dossier) == "replica"
        assert router.db_for_write(Dossier) == "default"
        with transaction.atomic():
            assert router.db_for_read(Dossier) == "default"
        with CaptureQueriesContext(connections["replica"]) as replica:
            Dossier.objects.filter(pk=d.pk).update(spotted_on=d.spotted_on)
            assert Dossier.objects.filter(pk=d.pk).exists()
        assert len(replica.captured_queries) == 1 and replica.captured_queries[0]["sql"].startswith("SELECT")
    # Outside replica_reads() every read is the primary's, even with the router installed.
    assert router.db_for_read(Dossier) == "default"


def test_the_scope_and_the_session_are_never_read_from_the_replica(with_replica):
    from django.contrib.auth.models import User
    from django.contrib.sessions.models import Session
    from guardian.models import UserObjectPermission

    from permissions.models import RoleAssignment

    router = ReplicaRouter()
    with replica_reads():
        for model in (User, Session, UserObjectPermission, RoleAssignment):
            assert router.db_for_read(model) == "default", model


def test_the_replica_is_never_migrated():
    router = ReplicaRouter()
    assert router.allow_migrate("replica", "dossiers") is False
    assert router.allow_migrate("default", "dossiers") is True
