"""Shared fixtures: the organisation tree and the named personas every test speaks of."""

import pytest

from permissions.models import Role

from .factories import PartyMemberFactory, UserFactory, grant, org_tree


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: what one kept under a user id (his version, menu,
    badge; the API's rate-limit counts) must not reach the next test's user of the same id (SQLite
    reuses ids after a rollback; a suite passing more than 60 steps through the API in a minute was
    throttled)."""
    from django.core.cache import caches  # noqa: PLC0415

    for cache in caches.all():
        cache.clear()


@pytest.fixture
def tree(db):
    """Province → district → grassroots → cells A and B, 9 official members each."""
    return org_tree(cells=2)


@pytest.fixture
def cell_a(tree):
    return tree["cells"][0]


@pytest.fixture
def cell_b(tree):
    return tree["cells"][1]


@pytest.fixture
def secretary_a(cell_a):
    """Secretary of cell A: acts on cell A's cases."""
    user = UserFactory(username="bithu_a")
    grant(user, Role.CELL_SECRETARY, cell_a)
    return user


@pytest.fixture
def secretary_b(cell_b):
    """Secretary of cell B: must not see cell A."""
    user = UserFactory(username="bithu_b")
    grant(user, Role.CELL_SECRETARY, cell_b)
    return user


@pytest.fixture
def committee_member(tree):
    """Grassroots committee member: verifies, resolves for every cell of the grassroots."""
    user = UserFactory(username="dangu_y")
    grant(user, Role.GRASSROOTS_COMMITTEE, tree["grassroots"])
    return user


@pytest.fixture
def approver(tree):
    """Standing committee member of the district: decides admissions for the whole district."""
    user = UserFactory(username="btv_huyen")
    grant(user, Role.APPROVER, tree["district"])
    return user


@pytest.fixture
def mentor_user(cell_a):
    """Official member of cell A with a login, assigned as mentor where a test says so."""
    user = UserFactory(username="dangvien_giupdo")
    member = PartyMemberFactory(cell=cell_a, full_name="Phạm Văn Giúp", user=user)
    return user, member


@pytest.fixture
def org_board(tree):
    """Organisation board officer of the district: sets quotas, reads every statistic of the district."""
    user = UserFactory(username="bantochuc_huyen")
    grant(user, Role.ORG_BOARD, tree["district"])
    return user


@pytest.fixture
def auditor(tree):
    """Inspection officer of the district: sees every dossier of the district, changes nothing."""
    user = UserFactory(username="kiemtra_huyen")
    grant(user, Role.AUDITOR, tree["district"])
    return user


@pytest.fixture
def immediate_tasks(settings):
    """Background jobs run inline (django-tasks ImmediateBackend), as the issue asks for tests."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def board(tree):
    """Organisation board of the district: manages the roles of its subtree, follows up every cell below."""
    user = UserFactory(username="bantochuc")
    grant(user, Role.ORG_BOARD, tree["district"])
    return user


@pytest.fixture
def api():
    """`api(user)`: a test client that calls the REST API with a fresh personal API key of `user`."""
    import datetime as dt  # noqa: PLC0415

    from django.test import Client  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415

    from api.services import token_create  # noqa: PLC0415

    def client_for(user):
        _token, raw = token_create(user=user, name="test", expires_on=timezone.localdate() + dt.timedelta(days=30))
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return client_for


# The longest files start first, so that pytest-xdist's two workers (--dist loadfile) finish
# together instead of one running the demo seed alone at the end (issue 18: the suite's 4 minutes).
SLOW_FIRST = ["test_seed_demo.py", "test_fuzz_steps.py", "test_fuzz_pages.py", "test_browser.py", "test_scope_matrix.py",
              "test_several_machines_servers.py", "test_state_machine_property.py"]


def pytest_collection_modifyitems(session, config, items):
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
