"""Issue 21: every dossier page writes a personal-data read (synchronously, its own autocommit
insert); its INSERT is written once per process and prepared by PostgreSQL
(`dossiers.prepared.insert`, called by `permissions.services.personal_data_read`). The row is the
one the ORM writes; when something listens to the model's saves, save() writes it."""

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


def read_row(**filters) -> dict:
    return PersonalDataRead.objects.filter(**filters).values(*FIELDS, "at").get()


def test_the_kept_insert_writes_the_row_the_orm_writes_without_save(secretary_a, cell_a, monkeypatch):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    before = timezone.now()

    def no_save(self, *args, **kwargs):
        raise AssertionError("the read went through save()")

    # The kept INSERT is used from the first read on (the one kept before never was: its values
    # were compared with the compiler's, whose time is stamped anew).
    monkeypatch.setattr(PersonalDataRead, "save", no_save)
    for detail in ("first", "kept", "x" * 300):
        with CaptureQueriesContext(connection) as ctx:
            services.personal_data_read(user=secretary_a, dossier=d, what=PersonalDataRead.What.DOSSIER_PAGE,
                                        detail=detail)
        assert len(ctx) == 1 and ctx.captured_queries[0]["sql"].startswith("INSERT INTO")
    monkeypatch.undo()
    orm = PersonalDataRead.objects.create(user=secretary_a, dossier=d, what="document", detail="orm")
    kept = read_row(detail="kept")
    assert {k: kept[k] for k in FIELDS} == {"user_id": secretary_a.pk, "dossier_id": d.pk,
                                            "what": "dossier_page", "detail": "kept"}
    assert before <= read_row(detail="first")["at"] <= kept["at"] <= orm.at and kept["at"].tzinfo is not None
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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements; SQLite keeps its own")
def test_on_postgresql_the_read_is_planned_once_per_connection(secretary_a, cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    for _ in range(2):
        services.personal_data_read(user=secretary_a, dossier=d, what="dossier_page")
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert [s for s in statements if s.startswith('INSERT INTO "permissions_personaldataread"')]
    assert PersonalDataRead.objects.filter(dossier=d).count() == 2
