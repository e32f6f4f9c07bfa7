"""Issue 21: every dossier page writes a personal-data read (synchronously, its own autocommit
insert); its INSERT is written once per process (`permissions.services._insert_read`). The row is
the one the ORM writes; when something listens to the model's saves, or the compiler writes its
values otherwise, the ORM writes it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dossiers.models import State
from permissions import services
from permissions.models import PersonalDataRead

from .factories import dossier_in_state

FIELDS = ("user_id", "dossier_id", "what", "detail")


@pytest.fixture(autouse=True)
def _nothing_kept():
    services._read_sql.clear()
    yield
    services._read_sql.clear()


def read_row(**filters) -> dict:
    return PersonalDataRead.objects.filter(**filters).values(*FIELDS, "at").get()


def test_the_kept_insert_writes_the_row_the_orm_writes(secretary_a, cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    before = timezone.now()
    for detail in ("first", "kept", "x" * 300):
        with CaptureQueriesContext(connection) as ctx:
            services.personal_data_read(user=secretary_a, dossier=d, what=PersonalDataRead.What.DOSSIER_PAGE,
                                        detail=detail)
        assert len(ctx) == 1 and ctx.captured_queries[0]["sql"].startswith("INSERT INTO")
    assert services._read_sql  # kept after the first
    orm = PersonalDataRead.objects.create(user=secretary_a, dossier=d, what="document", detail="orm")
    kept = read_row(detail="kept")
    assert {k: kept[k] for k in FIELDS} == {"user_id": secretary_a.pk, "dossier_id": d.pk,
                                            "what": "dossier_page", "detail": "kept"}
    assert before <= kept["at"] <= orm.at and kept["at"].tzinfo is not None
    assert read_row(detail="x" * 255)["what"] == "dossier_page"


def test_with_a_receiver_listening_the_orm_writes_the_read(secretary_a, cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    seen = []

    def receiver(sender, instance, created, **kwargs):
        seen.append((instance.detail, created))

    post_save.connect(receiver, sender=PersonalDataRead)
    try:
        services.personal_data_read(user=secretary_a, dossier=d, what="dossier_page", detail="heard")
    finally:
        post_save.disconnect(receiver, sender=PersonalDataRead)
    assert seen == [("heard", True)] and read_row(detail="heard")["user_id"] == secretary_a.pk


def test_an_insert_whose_values_the_compiler_writes_otherwise_is_not_kept(monkeypatch, secretary_a, cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    field = PersonalDataRead._meta.get_field("detail")
    calls = []

    def prepared_otherwise(value, connection):  # each call another value: the compiler's differs from ours
        calls.append(value)
        return f"{value}#{len(calls)}"

    monkeypatch.setattr(field, "get_db_prep_save", prepared_otherwise)
    services.personal_data_read(user=secretary_a, dossier=d, what="dossier_page", detail="either way")
    assert services._read_sql == {connection.alias: ""}  # not kept
    assert PersonalDataRead.objects.get(dossier=d).detail.startswith("either way#")
    services.personal_data_read(user=secretary_a, dossier=d, what="dossier_page", detail="again")
    assert PersonalDataRead.objects.filter(dossier=d).count() == 2
