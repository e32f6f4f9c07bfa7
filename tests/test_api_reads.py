"""The API's reads: the dossier list with the page's filters and a cursor, one dossier with its
candidate, evidence, history and open tasks (a logged read, like the page), documents and the
issued PDF, tasks, quotas and statistics with the page's numbers; each list in a fixed number of
queries whatever its rows."""

import datetime as dt
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.models import IssuedDocument
from dossiers.models import State
from permissions.models import PersonalDataRead
from reports import stats
from reports.periods import Period

from .factories import admitted_dossier, dossier_in_state, quota

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_the_list_filters_like_the_page(api, secretary_a, cell_a, tree):
    spotted = dossier_in_state(State.SPOTTED, cell=cell_a, actor=secretary_a)
    training = dossier_in_state(State.TRAINING, cell=cell_a, actor=secretary_a)
    client = api(secretary_a)
    url = reverse("api:dossier-list")
    assert set(ids(client.get(url))) == {spotted.pk, training.pk}
    assert ids(client.get(url, {"state": State.TRAINING})) == [training.pk]
    assert set(ids(client.get(url, {"organization": cell_a.pk}))) == {spotted.pk, training.pk}
    assert spotted.pk in ids(client.get(url, {"year": spotted.year}))
    assert client.get(url, {"year": 1900}).status_code == 400  # not a year on record, as on the page
    name = training.candidate.full_name.split()[-1]
    assert training.pk in ids(client.get(url, {"q": name}))
    # An organisation outside the scope is a bad filter value, as on the page.
    assert client.get(url, {"organization": tree["cells"][1].pk}).status_code in (200, 400)
    assert client.get(url, {"state": "flying"}).status_code == 400


def test_the_list_pages_with_a_cursor(api, secretary_a, cell_a, settings):
    settings.API_PAGE_SIZE = 2
    made = {dossier_in_state(State.SPOTTED, cell=cell_a, actor=secretary_a).pk for _ in range(3)}
    client = api(secretary_a)
    first = client.get(reverse("api:dossier-list")).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert {r["id"] for r in first["results"] + second["results"]} == made and second["next"] is None


def test_one_dossier_holds_its_candidate_evidence_history_and_open_tasks_and_is_a_logged_read(
        api, secretary_a, cell_a):
    d = dossier_in_state(State.MENTORING, cell=cell_a, actor=secretary_a)
    body = api(secretary_a).get(reverse("api:dossier-detail", args=[d.pk])).json()
    assert body["candidate"]["full_name"] == d.candidate.full_name and body["candidate"]["relatives"]
    assert body["evidence"]["certificates"] and body["evidence"]["mentors"]
    assert [e["action"] for e in body["history"]][0] == "create"
    assert body["open_tasks"] and all(t["dossier"] == d.pk for t in body["open_tasks"])
    read = PersonalDataRead.objects.get(user=secretary_a, dossier=d)
    assert (read.what, read.detail) == (PersonalDataRead.What.DOSSIER_PAGE, "API")


def test_one_dossier_costs_the_same_queries_whoever_wrote_its_history_and_however_long(
        api, secretary_a, cell_a):
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    from dossiers.models import DossierHistory  # noqa: PLC0415

    from .factories import UserFactory  # noqa: PLC0415

    short, long = (dossier_in_state(State.TRAINING, cell=cell_a, actor=secretary_a) for _ in range(2))
    DossierHistory.objects.bulk_create([
        DossierHistory(dossier=long, actor=UserFactory(), action="update_details", from_state=long.state,
                       to_state=long.state) for _ in range(12)])
    client = api(secretary_a)
    counts, bodies = [], []
    for d in (short, short, long):
        with CaptureQueriesContext(connection) as ctx:
            bodies.append(client.get(reverse("api:dossier-detail", args=[d.pk])).json())
        counts.append(len(ctx))
    assert counts[2] == counts[1]
    assert len(bodies[2]["history"]) == len(bodies[1]["history"]) + 12
    assert all(e["actor"] for e in bodies[2]["history"])


def test_documents_list_their_metadata_and_the_pdf_download_is_a_logged_read(api, secretary_a, cell_a):
    d = dossier_in_state(State.MENTORING, cell=cell_a, actor=secretary_a)
    pdf = b"%PDF-1.4 test"
    doc = IssuedDocument.objects.create(
        dossier=d, form_code="5-KNĐ", version=1, document_date=dt.date(2026, 1, 5), title="Tổng hợp", data={},
        pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf), issued_at=timezone.now())
    client = api(secretary_a)
    [row] = client.get(reverse("api:dossier-documents", args=[d.pk])).json()
    assert (row["id"], row["sha256"], row["pdf_url"]) == (doc.pk, doc.sha256, reverse("api:document-pdf", args=[doc.pk]))
    response = client.get(row["pdf_url"])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf" and response.content == pdf
    assert PersonalDataRead.objects.filter(user=secretary_a, dossier=d, what=PersonalDataRead.What.DOCUMENT).exists()


def test_the_organisations_are_the_users_subtree(api, secretary_a, committee_member, tree, cell_a):
    assert ids(api(secretary_a).get(reverse("api:organization-list"))) == [cell_a.pk]
    assert set(ids(api(committee_member).get(reverse("api:organization-list")))) == {
        tree["grassroots"].pk, *(c.pk for c in tree["cells"])}


def test_the_queue_and_the_inbox(api, secretary_a, cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a, actor=secretary_a)
    client = api(secretary_a)
    queue = client.get(reverse("api:task-queue")).json()["results"]
    assert queue and all(t["dossier"] == d.pk for t in queue)
    task = queue[0]
    claimed = client.post(reverse("api:task-claim", args=[task["id"]]))
    assert claimed.status_code == 200 and claimed.json()["owner"] == "bithu_a"
    assert [t["id"] for t in client.get(reverse("api:task-inbox")).json()["results"]] == [task["id"]]
    assert client.post(reverse("api:task-claim", args=[task["id"]])).status_code == 409  # already mine
    assert client.post(reverse("api:task-unassign", args=[task["id"]])).json()["owner"] is None


def test_quotas_and_statistics_have_the_pages_numbers(api, client, org_board, tree, cell_a):
    year = TODAY().year
    quota(tree["district"], year, count=10)
    quota(tree["grassroots"], year, count=4)
    admitted_dossier(cell=cell_a, decision_date=TODAY() - dt.timedelta(days=20), ceremony_date=TODAY() - dt.timedelta(days=10))
    key = api(org_board)
    allocation = key.get(reverse("api:quotas"), {"org": tree["district"].pk, "year": year}).json()
    assert (allocation["target"], allocation["children_sum"], allocation["difference"]) == (10, 4, -6)
    report = key.get(reverse("api:statistics"), {"org": tree["district"].pk, "period": "year", "year": year}).json()
    expected = stats.report_for(organization=tree["district"], period=Period.year(year), as_of=TODAY())
    assert (report["admitted"], report["total"], report["members"], report["quota_percent"]) == (
        expected.admitted, expected.total, expected.members, expected.quota_percent)
    client.force_login(org_board)
    page = client.get(reverse("reports:report"), {"org": tree["district"].pk, "period": "year", "year": year})
    assert page.context["report"].total == report["total"] == 1
    assert key.get(reverse("api:statistics"), {"period": "custom", "start": "2026-02-01",
                                               "end": "2026-01-01"}).status_code == 400


def test_a_role_without_statistics_gets_403_and_another_organisation_404(api, secretary_a, tree):
    assert api(secretary_a).get(reverse("api:quotas"), {"org": tree["district"].pk}).status_code == 404
    from .factories import UserFactory  # noqa: PLC0415

    assert api(UserFactory()).get(reverse("api:statistics")).status_code == 403


# --- Queries: constant in the number of rows ------------------------------------------------------


def many(cell, actor, n):
    from builders.templates import dossier_copy  # noqa: PLC0415

    return [dossier_copy(State.MENTORING, cell=cell, actor=actor) for _ in range(n)]


def claim_all(user):
    from workflows.selectors import tasks_queue  # noqa: PLC0415
    from workflows.services import task_claim  # noqa: PLC0415

    for task in list(tasks_queue(user=user)):
        task_claim(task=task, user=user)


@pytest.mark.parametrize("name", ["api:dossier-list", "api:organization-list", "api:task-inbox", "api:task-queue"])
def test_each_list_runs_the_same_queries_for_2_rows_and_for_12(api, secretary_a, cell_a, name,
                                                                django_assert_max_num_queries):
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    client = api(secretary_a)
    url = reverse(name)
    many(cell_a, secretary_a, 2)
    if name == "api:task-inbox":
        claim_all(secretary_a)
    client.get(url)  # the key's first use is noted once a minute
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(url).json()["results"]) >= (1 if name == "api:organization-list" else 2)
    many(cell_a, secretary_a, 10)
    if name == "api:task-inbox":
        claim_all(secretary_a)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(client.get(url).json()["results"]) >= (1 if name == "api:organization-list" else 12)
