"""The candidate pages write through `candidate_create` / `candidate_update` (dossiers.services):
one transaction, the dossier locked, a history row naming what changed, the `dossier_changed`
signal. No page writes a domain model itself (the scan at the end)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from dossiers import services
from dossiers.models import Candidate, DossierHistory, Relative, RelativeKind, State
from dossiers.refusals import Refusal
from dossiers.signals import dossier_changed

from .factories import CandidateFactory, RelativeFactory, dossier_in_state
from .test_dossier_pages import spotted

ROOT = Path(__file__).resolve().parent.parent


def edit_post(client, dossier, **changes) -> dict:
    """The candidate page's own form data, with `changes` on top."""
    form = client.get(reverse("dossiers:candidate", args=[dossier.pk])).context["form"]
    data = {f"candidate-{k}": v for k, v in form.initial.items() if k in form.fields and v is not None}
    data["candidate-birth_date"] = dossier.candidate.birth_date.isoformat()
    data.update({"relatives-TOTAL_FORMS": "0", "relatives-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


def test_editing_the_candidate_records_who_changed_which_fields_and_sends_the_signal(client, secretary_a, cell_a):
    d = spotted(cell_a, name="Nguyễn Thị Hoa")
    client.force_login(secretary_a)
    heard = []

    def listener(**kwargs):
        heard.append(kwargs["event"].action)

    dossier_changed.connect(listener)
    try:
        response = client.post(reverse("dossiers:candidate", args=[d.pk]),
                               edit_post(client, d, **{"candidate-full_name": "Nguyễn Thị Hoà"}))
    finally:
        dossier_changed.disconnect(listener)
    assert response.status_code == 302
    event = DossierHistory.objects.filter(dossier=d).last()
    assert (event.action, event.actor, event.from_state, event.to_state) == (
        "update_candidate", secretary_a, State.SPOTTED, State.SPOTTED)
    assert event.evidence["fields"] == [str(Candidate._meta.get_field("full_name").verbose_name)]
    assert "Nguyễn Thị Hoà" not in str(event.evidence)  # the values stay in the rows, not in the history
    assert heard == ["update_candidate"]
    html = client.get(reverse("dossiers:detail", args=[d.pk])).content.decode()
    assert "Sửa thông tin cá nhân của quần chúng" in html


def test_saving_the_page_unchanged_writes_no_history_row(client, secretary_a, cell_a):
    d = spotted(cell_a)
    client.force_login(secretary_a)
    before = DossierHistory.objects.filter(dossier=d).count()
    assert client.post(reverse("dossiers:candidate", args=[d.pk]), edit_post(client, d)).status_code == 302
    assert DossierHistory.objects.filter(dossier=d).count() == before


def test_adding_and_removing_relatives_is_recorded_by_name(secretary_a, cell_a):
    d = spotted(cell_a)
    gone = RelativeFactory(candidate=d.candidate, kind=RelativeKind.MOTHER, full_name="Trần Thị Mẹ")
    new = Relative(kind=RelativeKind.FATHER, full_name="Nguyễn Văn Cha", birth_year=1968)
    services.candidate_update(dossier=d, candidate=d.candidate, relatives=[new], deleted_relatives=[gone],
                              actor=secretary_a)
    assert list(d.candidate.relatives.values_list("full_name", flat=True)) == ["Nguyễn Văn Cha"]
    event = DossierHistory.objects.filter(dossier=d).last()
    assert event.evidence == {"relatives": ["Nguyễn Văn Cha"], "relatives_removed": ["Trần Thị Mẹ"]}


def test_a_closed_dossier_refuses_candidate_edits_and_changes_nothing(secretary_a, cell_a):
    d = dossier_in_state(State.RECOGNIZED, cell=cell_a, actor=secretary_a)
    d.candidate.full_name = "Tên khác"
    with pytest.raises(Refusal, match="kết thúc"):
        services.candidate_update(dossier=d, candidate=d.candidate, actor=secretary_a)
    assert Candidate.objects.get(pk=d.candidate_id).full_name != "Tên khác"


def test_another_candidates_relative_is_refused(secretary_a, cell_a):
    d = spotted(cell_a)
    stranger = RelativeFactory(candidate=CandidateFactory(), full_name="Người ngoài")
    stranger.full_name = "Đổi tên"
    with pytest.raises(Refusal):
        services.candidate_update(dossier=d, candidate=d.candidate, relatives=[stranger], actor=secretary_a)
    assert Relative.objects.get(pk=stranger.pk).full_name == "Người ngoài"


def test_a_refused_dossier_leaves_no_candidate_and_no_relative(secretary_a, cell_a):
    candidate = CandidateFactory.build()
    with pytest.raises(Refusal):
        services.candidate_create(candidate=candidate, relatives=[Relative(kind=RelativeKind.FATHER, full_name="Cha")],
                                  cell=cell_a.parent, source="youth_union", spotted_on=d_today(), actor=secretary_a)
    assert not Candidate.objects.exists() and not Relative.objects.exists()


def d_today():
    from django.utils import timezone  # noqa: PLC0415

    return timezone.localdate()


# Views, page forms and page helpers read through selectors and write through services only.
PAGE_CODE = ["web", "ui", "documents/views.py", "documents/panels.py", "reports/views.py", "reports/forms.py",
             "exports/views.py", "exports/forms.py",
             "workflows/views.py", "workflows/page.py"]
WRITE = re.compile(r"\.(save|delete|bulk_create|bulk_update|get_or_create|update_or_create)\(|"
                   r"objects\b[^\n]*\.(create|update)\(")


def page_files():
    for entry in PAGE_CODE:
        path = ROOT / entry
        yield from sorted(path.rglob("*.py")) if path.is_dir() else [path]


def test_no_page_writes_a_domain_model_itself():
    writes = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}" for path in page_files()
              for n, line in enumerate(path.read_text().splitlines(), 1) if WRITE.search(line)]
    assert writes == []


def test_the_scan_catches_a_view_that_saves():
    assert WRITE.search("        form.save()") and WRITE.search("Notice.objects.filter(x=1).update(read=True)")
    assert not WRITE.search("        ctx.update(page=page)")
