"""Each admitted person's profile (reports.profiles) is what the structure of a report counts: it is
written with the ceremony, follows every correction of the candidate, and a bulk rebuild gives the
same rows (issue 7: the national report no longer reads 140,000 candidates)."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from dossiers.models import Dossier, State
from reports import profiles, stats
from reports.models import AdmissionProfile
from reports.periods import Period

from .factories import admitted_dossier, dossier_in_state


def _structure(organization, year):
    return {line.key: line.count for line in stats.structure_of(organization=organization, period=Period.year(year))}


def test_holding_the_ceremony_writes_the_profile(cell_a, secretary_a):
    # Walked through the services: the ceremony's save of the dossier writes the row.
    d = dossier_in_state(State.PROBATION, cell=cell_a, actor=secretary_a)
    p = AdmissionProfile.objects.get(dossier=d)
    assert (p.decision_date, p.ceremony_date) == (d.decision_date, d.ceremony_date)
    assert p.age == relativedelta(d.decision_date, d.candidate.birth_date).years
    assert p.traits == profiles.traits_of(d.candidate, d.decision_date)


def test_a_dossier_before_admission_has_no_profile(cell_a, secretary_a):
    for state in (State.SPOTTED, State.MENTORING, State.HIGHER_APPROVAL):
        dossier_in_state(state, cell=cell_a, actor=secretary_a)
    assert not AdmissionProfile.objects.exists()


def test_a_correction_of_the_candidate_on_the_form_changes_the_structure(client, tree, cell_a, secretary_a):
    d = dossier_in_state(State.PROBATION, cell=cell_a, actor=secretary_a)
    year = d.decision_date.year
    before = _structure(tree["district"], year)
    c = d.candidate
    c.sex = "female" if c.sex == "male" else "male"
    c.ethnicity = "Tày"
    c.save()
    after = _structure(tree["district"], year)
    assert after["ethnic_minority"] == before["ethnic_minority"] + 1
    assert after["women"] == before["women"] + (1 if c.sex == "female" else -1)


def test_the_candidate_form_updates_the_profile(client, cell_a, secretary_a):
    d = dossier_in_state(State.PROBATION, cell=cell_a, actor=secretary_a)
    client.force_login(secretary_a)
    url = reverse("dossiers:candidate", args=[d.pk])
    form = client.get(url).context["form"]
    data = {f"candidate-{k}": v for k, v in form.initial.items() if k in form.fields and v is not None}
    data.update({"candidate-birth_date": d.candidate.birth_date.isoformat(), "candidate-occupation": "Sinh viên",
                 "relatives-TOTAL_FORMS": "0", "relatives-INITIAL_FORMS": "0"})
    assert client.post(url, data).status_code == 302
    assert profiles.has(AdmissionProfile.objects.get(dossier=d).traits, "students")


def test_a_rebuild_gives_the_rows_the_saves_wrote(tree, cell_a, cell_b):
    admitted_dossier(cell=cell_a, decision_date=dt.date(2025, 3, 1), sex="female", ethnicity="Mường",
                     workplace="Công ty cổ phần May 10", occupation="Công nhân")
    admitted_dossier(cell=cell_b, decision_date=dt.date(2025, 4, 1), birth_date=dt.date(2000, 4, 2),
                     youth_union_joined_on=dt.date(2010, 3, 26), religion="Phật giáo")
    written = list(AdmissionProfile.objects.order_by("pk").values())
    AdmissionProfile.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        assert profiles.profiles_rebuild() == 2
    assert len(ctx) <= 4, [q["sql"][:60] for q in ctx.captured_queries]  # the dossiers with their candidates, then one upsert: none per row
    assert list(AdmissionProfile.objects.order_by("pk").values()) == written
    assert [row["age"] for row in written] == [written[0]["age"], 24]


def test_deleting_a_dossier_deletes_its_profile(cell_a):
    d = admitted_dossier(cell=cell_a, decision_date=dt.date(2025, 3, 1))
    Dossier.objects.filter(pk=d.pk).delete()
    assert not AdmissionProfile.objects.exists()


@given(birth=st.dates(dt.date(1940, 1, 1), dt.date(2010, 12, 31)),
       day=st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)))
def test_the_age_is_whole_years_with_the_birthday_counting_on_the_day(birth, day):
    if day < birth:
        return
    assert profiles.age_on(birth, day) == relativedelta(day, birth).years


def test_each_trait_has_its_own_bit():
    assert len(set(profiles.BIT.values())) == len(profiles.TRAITS)
    assert all(bit & (bit - 1) == 0 for bit in profiles.BIT.values())


@pytest.mark.django_db
def test_the_national_structure_reads_the_profiles_without_joining_the_candidates(tree, cell_a,
                                                                                  django_assert_num_queries):
    from dossiers.models import Organization, OrgLevel

    admitted_dossier(cell=cell_a, decision_date=dt.date(2025, 3, 1))
    root = Organization(pk=0, name="Toàn quốc", level=OrgLevel.PROVINCE, path="")

    with CaptureQueriesContext(connection) as ctx:
        lines = stats.structure_of(organization=root, period=Period.year(2025), as_of=dt.date(2025, 12, 31))
    assert len(ctx) == 1
    assert "dossiers_candidate" not in ctx.captured_queries[0]["sql"]
    assert "dossiers_dossier" not in ctx.captured_queries[0]["sql"]
    assert lines[0].of == 1


def test_the_migration_writes_the_profiles_of_dossiers_already_admitted(cell_a, secretary_a):
    from django.apps import apps

    migration = __import__("reports.migrations.0002_admission_profile", fromlist=["backfill"])
    d = dossier_in_state(State.RECOGNIZED, cell=cell_a, actor=secretary_a)
    written = list(AdmissionProfile.objects.values())
    AdmissionProfile.objects.all().delete()  # as before the migration
    migration.backfill(apps, None)
    assert list(AdmissionProfile.objects.values()) == written and written[0]["dossier_id"] == d.pk


def test_the_profile_follows_the_dossier_to_another_cell(tree, cell_a, cell_b, secretary_a):
    # Issue 21: the structure of a subtree reads the profile's own cell; a dossier moved to another
    # cell counts there at once.
    d = dossier_in_state(State.PROBATION, cell=cell_a, actor=secretary_a)
    year = d.decision_date.year
    assert AdmissionProfile.objects.get(dossier=d).cell_id == cell_a.pk
    before_b = stats.structure_of(organization=cell_b, period=Period.year(year))[0].of
    Dossier.objects.filter(pk=d.pk).update(cell=cell_b)  # as a transfer writes it, then saves
    Dossier.objects.get(pk=d.pk).save()
    assert AdmissionProfile.objects.get(dossier=d).cell_id == cell_b.pk
    assert stats.structure_of(organization=cell_b, period=Period.year(year))[0].of == before_b + 1
    assert stats.structure_of(organization=cell_a, period=Period.year(year))[0].of == 0


def test_the_cell_migration_fills_every_profile_from_its_dossier(cell_a, cell_b, secretary_a):
    from django.apps import apps

    migration = __import__("reports.migrations.0003_profile_cell", fromlist=["fill_cells"])
    d = dossier_in_state(State.RECOGNIZED, cell=cell_a, actor=secretary_a)
    AdmissionProfile.objects.filter(dossier=d).update(cell=cell_b)
    migration.fill_cells(apps, None)
    assert AdmissionProfile.objects.get(dossier=d).cell_id == cell_a.pk




def test_a_save_of_the_dossier_that_writes_nothing_the_profile_is_made_of_leaves_it_and_a_whole_save_rewrites_it(
        cell_a, secretary_a):
    from builders.factories import WALK, walk_start

    # Recognition saves the dossier it locked with only what it changes (dossiers.locked): its
    # state and its stamp, not its dates, cell or candidate: the profile is not written again.
    w = walk_start(cell=cell_a, actor=secretary_a)
    for _reaches, _task, step in WALK[:-1]:
        step(w)
    AdmissionProfile.objects.filter(dossier=w.dossier).update(age=99)
    with CaptureQueriesContext(connection) as ctx:
        WALK[-1][2](w)
    assert w.dossier.state == State.RECOGNIZED
    assert not [q for q in ctx.captured_queries if "reports_admissionprofile" in q["sql"]]
    assert AdmissionProfile.objects.get(dossier=w.dossier).age == 99
    # A save that writes one of its dates does; so does a whole save, whatever changed.
    d = Dossier.objects.get(pk=w.dossier.pk)
    d.save(update_fields=["ceremony_date"])
    assert AdmissionProfile.objects.get(dossier=d).age != 99
    AdmissionProfile.objects.filter(dossier=d).update(age=99)
    d.save(update_fields=["notes", "updated_at"])
    assert AdmissionProfile.objects.get(dossier=d).age == 99
    Dossier.objects.get(pk=d.pk).save()
    assert AdmissionProfile.objects.get(dossier=d).age != 99


def test_a_candidates_save_reads_its_admitted_dossiers_in_one_query_and_writes_their_profiles_in_one(
        cell_a, secretary_a):
    d = dossier_in_state(State.PROBATION, cell=cell_a, actor=secretary_a)
    c = d.candidate
    c.ethnicity = "Tày"
    with CaptureQueriesContext(connection) as ctx:
        c.save()
    profile_statements = [q["sql"] for q in ctx.captured_queries if "historicalcandidate" not in q["sql"]
                          and not q["sql"].startswith('UPDATE "dossiers_candidate"')]
    assert len(profile_statements) == 2, profile_statements  # its admitted dossiers, their profiles
    assert profiles.has(AdmissionProfile.objects.get(dossier=d).traits, "ethnic_minority")
    other = dossier_in_state(State.MENTORING, cell=cell_a, actor=secretary_a).candidate
    other.ethnicity = "Tày"
    with CaptureQueriesContext(connection) as ctx:
        other.save()
    assert len(ctx) == 3  # the candidate, its copy, its admitted dossiers (none): nothing to write
