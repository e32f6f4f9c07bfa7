"""A service saves the dossier it locked with only what it changed on it (`dossiers.locked`): the
row written is the one a whole save writes, in a shorter statement whose receivers know what changed."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dossiers import services
from dossiers.models import Dossier, State

from .factories import dossier_in_state


def _row(d):
    return {f.attname: getattr(Dossier.objects.get(pk=d.pk), f.attname) for f in Dossier._meta.concrete_fields
            if f.attname != "updated_at"}


def _updated_columns(queries) -> list[set[str]]:
    return [set(re.findall(r'"(\w+)" = ', q["sql"].split(" WHERE ")[0])) for q in queries.captured_queries
            if q["sql"].startswith('UPDATE "dossiers_dossier"')]


def test_a_service_writes_only_the_fields_it_changed_on_the_dossier_it_locked_and_the_row_is_a_whole_saves(
        cell_a, secretary_a):
    d = dossier_in_state(State.MENTORING, cell=cell_a, actor=secretary_a)
    before, stamp = _row(d), Dossier.objects.get(pk=d.pk).updated_at
    on = timezone.localdate() - dt.timedelta(days=3)
    with CaptureQueriesContext(connection) as queries:
        d = services.dossier_record_application(dossier=d, actor=secretary_a, on=on)
    assert _updated_columns(queries) == [{"application_received_on", "updated_at"}]
    assert _row(d) == {**before, "application_received_on": on}
    assert Dossier.objects.get(pk=d.pk).updated_at > stamp
    # A transition writes the state with what the step set.
    with CaptureQueriesContext(connection) as queries:
        d = services.dossier_withdraw(dossier=d, actor=secretary_a, reason="Chuyển công tác.")
    assert _updated_columns(queries) == [{"state", "closing_reason", "updated_at"}]
    assert _row(d) == {**before, "application_received_on": on, "state": State.WITHDRAWN,
                       "closing_reason": "Chuyển công tác."}
    assert d.history.first().state == State.WITHDRAWN, "its simple-history copy as before"


def test_a_new_source_date_writes_the_year_it_gives_and_a_dossier_not_locked_is_saved_whole(cell_a, secretary_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a, actor=secretary_a)
    spotted = d.spotted_on.replace(year=d.spotted_on.year - 1)
    d = services.dossier_update_details(dossier=d, actor=secretary_a, spotted_on=spotted)
    assert (Dossier.objects.get(pk=d.pk).year, Dossier.objects.get(pk=d.pk).spotted_on) == (spotted.year, spotted)
    with CaptureQueriesContext(connection) as queries:
        Dossier.objects.get(pk=d.pk).save()
    assert len(_updated_columns(queries)[0]) == len(Dossier._meta.concrete_fields) - 1  # every column but the id
