"""The bench's floors (issue 7, `bench/floors.py`): viewflow's shell around an empty page, a bare
request, and viewflow alone running the admission's human tasks in a row. They are what the
ratios "≤ 3× raw" and "ahead of SpiffWorkflow" are set against in the note; these tests check
that they measure what they say."""

import pytest
from django.db.models.signals import post_save
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from viewflow.workflow import flow
from viewflow.workflow.models import Process, Task

from bench import floors
from dossiers.models import State
from workflows.flows import AdmissionFlow
from workflows.models import TaskDeadline

from .factories import dossier_in_state


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _task_receiver_connected() -> bool:
    return any(key[0] == "workflows.sync.task_created" for key, *_ in post_save.receivers)


@pytest.mark.django_db
def test_the_shell_floor_is_the_inbox_shell_with_an_empty_page(secretary_a):
    client = _client(secretary_a)
    with override_settings(ROOT_URLCONF=floors.FloorURLs()):
        shell = client.get("/bench/floor/shell/")
        inbox = client.get(reverse("tasks:inbox"))
    assert shell.status_code == inbox.status_code == 200
    # The same menu as the inbox (its site, application and links), and no page of its own.
    assert shell.context["site"] is inbox.context["site"] is not None
    assert reverse("tasks:queue") in shell.content.decode()
    assert shell.content.decode().count('class="web-page"') == 1
    assert "web-table" not in shell.content.decode()


@pytest.mark.django_db
def test_the_bare_floor_answers_through_the_session_and_the_user(secretary_a):
    with override_settings(ROOT_URLCONF=floors.FloorURLs()):
        assert _client(secretary_a).get("/bench/floor/bare/").content == b"ok"
        assert Client().get("/bench/floor/bare/").content == b"anonymous"


@pytest.mark.django_db
def test_page_floors_times_both_pages(secretary_a):
    measured = floors.page_floors(_client(secretary_a), 3)
    assert set(measured) == {"bare", "shell"}
    assert all(0 < p50 <= p95 for p50, p95 in measured.values())


@pytest.mark.django_db
def test_page_floors_times_the_two_pages_in_turns_request_by_request(secretary_a):
    # issue 21.6: a ratio of two blocks timed one after the other carries the host's drift
    client, asked = _client(secretary_a), []
    original = client.get
    client.get = lambda url, *a, **k: asked.append(url) or original(url, *a, **k)
    floors.page_floors(client, 3)
    timed = asked[-6:]  # after each page's warm-up
    assert timed == ["/bench/floor/bare/", "/bench/floor/shell/"] * 3


@pytest.mark.django_db
def test_the_engine_floor_finishes_the_nineteen_tasks_of_a_case(secretary_a):
    with floors.engine_only():
        assert floors.engine_case(secretary_a) == floors.STEPS == 19
    assert _task_receiver_connected()
    process = Process.objects.get(flow_class=floors.FloorFlow)
    assert process.finished is not None
    humans = Task.objects.filter(process=process, flow_task_type="HUMAN")
    assert humans.count() == 19
    assert set(humans.values_list("status", "owner")) == {("DONE", secretary_a.pk)}


@pytest.mark.django_db
def test_the_engine_floor_does_no_domain_work_and_leaves_nothing(secretary_a):
    rate = floors.engine_cases_per_second(secretary_a, 2)
    assert rate > 0
    # Rolled back, without deadlines meanwhile; the project's receiver is back afterwards.
    assert not Process.objects.filter(flow_class=floors.FloorFlow).exists()
    assert not TaskDeadline.objects.exists()
    assert _task_receiver_connected()


def _graph(flow_class) -> tuple[dict[str, str], set[tuple[str, str, str]]]:
    """({node: its kind}, {(from, to, edge kind)}): a human task of ours counts as viewflow's View."""
    kinds = {node.name: ("View" if isinstance(node, flow.View) else type(node).__name__)
             for node in flow_class.instance.nodes()}
    edges = {(edge.src.name, edge.dst.name, edge.edge_class)
             for node in flow_class.instance.nodes() for edge in node._outgoing()}
    return kinds, edges


def test_the_admission_floor_has_the_admission_flows_nodes_and_edges():
    assert _graph(floors.AdmissionFloorFlow) == _graph(AdmissionFlow)


@pytest.mark.django_db
def test_the_admission_floor_walks_the_usual_path_through_its_gateways(secretary_a):
    with floors.engine_only():
        assert floors.engine_case(secretary_a, floors.AdmissionFloorFlow) == floors.STEPS
    process = Process.objects.get(flow_class=floors.AdmissionFloorFlow)
    assert process.finished is not None
    done = set(Task.objects.filter(process=process, status="DONE").values_list("flow_task", flat=True))
    names = {node.name for node in done}
    assert {"prepare_dossier", "dossier_ready", "probation_over", "recognition_outcome", "finished"} <= names
    assert not names & {"sub_committee_appraisal", "removal_decision", "not_admitted"}
    assert Task.objects.filter(process=process, flow_task_type="HUMAN").count() == floors.STEPS


@pytest.mark.django_db
def test_after_the_engine_floor_admission_tasks_still_get_their_deadlines(cell_a, secretary_a):
    floors.engine_cases_per_second(secretary_a, 1)
    dossier = dossier_in_state(State.SPOTTED, cell=cell_a, actor=secretary_a)
    open_tasks = Task.objects.filter(process__artifact_object_id=dossier.pk, flow_task_type="HUMAN",
                                     status="NEW")
    assert open_tasks.exists()
    assert TaskDeadline.objects.filter(task__in=open_tasks).count() == open_tasks.count()


def test_the_machine_load_of_a_run_splits_the_busy_time_between_the_bench_and_others():
    # Issue 21.6: a run says how loaded the machine was, so its figures can be weighed.
    load = floors.MachineLoad()
    sum(i * i for i in range(300_000))  # some work of this process
    m = load.summary()
    assert m["cores"] >= 1 and m["load_before"] >= 0
    assert 0 <= m["bench_and_postgres_share"] <= m["busy_share"] <= 1
    assert m["other_share"] == pytest.approx(m["busy_share"] - m["bench_and_postgres_share"], abs=0.002)


def test_a_list_page_is_split_into_its_queries_the_shell_and_the_rest():
    # Issue 21.1: where a list page stands above 3× its raw query, the run says what the rest is.
    from bench.management.commands.bench import above_raw  # noqa: PLC0415
    from bench.measure import PageResult  # noqa: PLC0415

    page = PageResult("inbox", "secretary", "/tasks/", p50_ms=8.2, p95_ms=10.9, queries=4, raw_sql_ms=0.93, sql_ms=2.6)
    text = above_raw(page, shell_ms=1.2)
    assert "3× raw is 2.8 ms" in text
    assert "its 4 queries 2.6 ms (raw 0.93) + the shell 1.2 + the rest 4.4" in text
    page.sql_ms = None  # SQLite: the page's queries are not timed
    assert "the rest" not in above_raw(page, shell_ms=1.2)
