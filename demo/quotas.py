"""Demo quotas for the demo district (demo.builder): `manage.py seed_quotas`.

For this year and last year: the district's quota is 110 admissions, the yearly target of the
district's report (reference/004: "53 đảng viên đạt 48,2% chỉ tiêu năm"); the province's is 3% of
its members (reference/003); each commune is given 3% of its members, the other grassroots
organisations share the rest of the district's 110 in proportion to their members, and every
grassroots organisation allocates its quota to its cells (and sub-committee) the same way.
Idempotent: a quota already holding these values is left as it is (no new history row).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from demo import builder as demo
from dossiers.models import Organization, OrgCategory, OrgLevel
from reports.models import AdmissionQuota, QuotaKind, resolve_percentage
from reports.services import quota_set
from reports.stats import members_by

DISTRICT_QUOTA = 110
PERCENT = Decimal("3")
NOTE_DISTRICT = "Nghị quyết Đại hội Đảng bộ huyện khóa XXII, nhiệm kỳ 2020 - 2025"
NOTE_PROVINCE = "Tối thiểu 3% tổng số đảng viên cuối năm trước"
NOTE_ALLOCATED = "Ban Thường vụ cấp trên phân bổ"


@dataclass
class Outcome:
    created: int = 0
    changed: int = 0
    unchanged: int = 0


def largest_remainder(total: int, weights: dict[int, int]) -> dict[int, int]:
    """Split `total` in proportion to `weights` (Hamilton's method): whole numbers summing to total."""
    weight_sum = sum(weights.values())
    if total <= 0 or weight_sum == 0:
        return dict.fromkeys(weights, 0)
    exact = {key: Decimal(total) * w / weight_sum for key, w in weights.items()}
    shares = {key: int(value) for key, value in exact.items()}
    rest = total - sum(shares.values())
    for key in sorted(exact, key=lambda k: (-(exact[k] - shares[k]), k))[:rest]:
        shares[key] += 1
    return shares


def _put(outcome: Outcome, *, organization, year, actor, count=None, percent=None, base=None, note="") -> int:
    existing = AdmissionQuota.objects.filter(organization=organization, year=year).first()
    kind = QuotaKind.COUNT if count is not None else QuotaKind.PERCENT
    if existing and (existing.kind, existing.count, existing.percent, existing.membership_base, existing.note) == (
            kind, count, percent, base, note):
        outcome.unchanged += 1
        return existing.target
    quota = quota_set(organization=organization, year=year, actor=actor, count=count, percent=percent,
                      membership_base=base, note=note)
    if existing:
        outcome.changed += 1
    else:
        outcome.created += 1
    return quota.target


def _allocate(outcome: Outcome, parent: Organization, target: int, year: int, actor,
              children: dict[int, list[Organization]], members: dict[int, int]) -> None:
    kids = children.get(parent.pk, [])
    if not kids:
        return
    shares = largest_remainder(target, {kid.pk: members.get(kid.pk, 0) for kid in kids})
    for kid in kids:
        _put(outcome, organization=kid, year=year, actor=actor, count=shares[kid.pk], note=NOTE_ALLOCATED)
        _allocate(outcome, kid, shares[kid.pk], year, actor, children, members)


def seed(today=None) -> Outcome:
    """Set the demo quotas; raises LookupError when the demo district or its logins are missing."""
    today = today or timezone.localdate()
    district = Organization.objects.filter(name=demo.DISTRICT_NAME, level=OrgLevel.DISTRICT,
                                           parent__name=demo.PROVINCE_NAME).select_related("parent").first()
    User = get_user_model()
    board = User.objects.filter(username="bantochuc").first()
    admin = User.objects.filter(username="admin", is_superuser=True).first()
    if district is None or board is None or admin is None:
        raise LookupError("demo data missing")
    province = district.parent
    subtree = list(Organization.objects.filter(path__startswith=district.path).order_by("sort_order", "name"))
    children: dict[int, list[Organization]] = {}
    for org in subtree:
        if org.parent_id:
            children.setdefault(org.parent_id, []).append(org)
    # Members of every organisation's subtree: one query per depth.
    members: dict[int, int] = {}
    for length in sorted({len(o.path) for o in subtree}):
        members.update(members_by([o for o in subtree if len(o.path) == length], organization=district))
    province_members = sum(members_by([province], organization=province).values())
    outcome = Outcome()
    with transaction.atomic():
        for year in (today.year - 1, today.year):
            _put(outcome, organization=province, year=year, actor=admin, percent=PERCENT, base=province_members,
                 note=NOTE_PROVINCE)
            _put(outcome, organization=district, year=year, actor=board, count=DISTRICT_QUOTA, note=NOTE_DISTRICT)
            grassroots = [o for o in children.get(district.pk, []) if o.level == OrgLevel.GRASSROOTS]
            communes = [o for o in grassroots if o.category == OrgCategory.COMMUNE]
            others = [o for o in grassroots if o.category != OrgCategory.COMMUNE]
            given = 0
            for org in communes:
                base = members.get(org.pk, 0)
                target = _put(outcome, organization=org, year=year, actor=board, percent=PERCENT, base=base,
                              note=NOTE_ALLOCATED) if base else 0
                given += target
                _allocate(outcome, org, target, year, board, children, members)
            shares = largest_remainder(max(0, DISTRICT_QUOTA - given), {o.pk: members.get(o.pk, 0) for o in others})
            for org in others:
                _put(outcome, organization=org, year=year, actor=board, count=shares[org.pk], note=NOTE_ALLOCATED)
                _allocate(outcome, org, shares[org.pk], year, board, children, members)
    return outcome


__all__ = ["seed", "largest_remainder", "resolve_percentage"]
