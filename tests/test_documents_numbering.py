"""The numbering registry: the next number per issuing organisation, document type and year,
without gaps or duplicates, also when two people issue at the same moment (PostgreSQL)."""

import threading

import pytest
from django.db import close_old_connections, connection

from documents import services
from documents.models import IssuedDocument, NumberCounter
from documents.numbering import format_number, next_number
from dossiers.models import ActKind, PartyAct

from .factories import dossier_removed


def test_numbers_count_up_from_one_per_issuer_type_and_year(tree, cell_a):
    assert [next_number(issuer=cell_a, doc_type="NQ", year=2025) for _ in range(3)] == [1, 2, 3]
    assert next_number(issuer=cell_a, doc_type="QĐ", year=2025) == 1
    assert next_number(issuer=cell_a, doc_type="NQ", year=2026) == 1
    assert next_number(issuer=tree["grassroots"], doc_type="NQ", year=2025) == 1
    assert NumberCounter.objects.get(issuer=cell_a, doc_type="NQ", year=2025).last == 3
    assert format_number(12, "NQ", cell_a) == "12-NQ/CB"


def test_a_number_taken_in_a_transaction_that_rolls_back_is_given_again(cell_a):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_number(issuer=cell_a, doc_type="NQ", year=2025) == 1
        raise RuntimeError("rendering failed")
    assert next_number(issuer=cell_a, doc_type="NQ", year=2025) == 1


def test_an_act_without_a_number_takes_the_next_one_and_a_reissue_keeps_it(cell_a, approver):
    first = dossier_removed(cell=cell_a)
    second = dossier_removed(cell=cell_a)
    a = services.document_issue(dossier=first, form="XT", actor=approver)
    b = services.document_issue(dossier=second, form="XT", actor=approver)
    again = services.document_issue(dossier=first, form="XT", actor=approver, reason="Sửa lỗi chính tả")
    assert (a.number, b.number, again.number) == ("1-QĐ/HU", "2-QĐ/HU", "1-QĐ/HU")
    assert again.version == 2


def test_an_act_numbered_when_it_was_recorded_keeps_its_number(cell_a, approver):
    d = dossier_removed(cell=cell_a, number="77-QĐ/HU")
    assert services.document_issue(dossier=d, form="XT", actor=approver).number == "77-QĐ/HU"
    assert not NumberCounter.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_people_taking_numbers_at_once_on_postgresql_get_one_to_eight(cell_a):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    barrier = threading.Barrier(8)
    numbers, errors = [], []

    def take():
        close_old_connections()
        try:
            barrier.wait()
            numbers.append(next_number(issuer=cell_a, doc_type="NQ", year=2025))
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == list(range(1, 9))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_dossiers_issued_at_once_on_postgresql_get_consecutive_numbers(cell_a, approver):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    dossiers = [dossier_removed(cell=cell_a), dossier_removed(cell=cell_a)]
    assert all(PartyAct.objects.filter(dossier=d, kind=ActKind.REMOVAL_DECISION, number="").exists() for d in dossiers)
    barrier = threading.Barrier(2)
    errors = []

    def issue(dossier):
        close_old_connections()
        try:
            barrier.wait()
            services.document_issue(dossier=dossier, form="XT", actor=approver)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(d,)) for d in dossiers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(IssuedDocument.objects.values_list("number", flat=True)) == ["1-QĐ/HU", "2-QĐ/HU"]
