"""The API's docs page (/api/docs/) in a real Chromium: Swagger UI draws every operation of the
schema from the site's own script files, and the Content-Security-Policy blocks nothing."""

from __future__ import annotations

import shutil

import pytest

from permissions.models import Role

from .factories import UserFactory, grant, org_tree
from .test_browser import Browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed"),
]


def test_the_docs_draw_every_operation_with_no_policy_violation(live_server, transactional_db, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    tree = org_tree(cells=1)
    user = UserFactory(username="bithu")  # the factory sets PASSWORD
    grant(user, Role.CELL_SECRETARY, tree["cells"][0])
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=shutil.which("chromium"),
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            browser = Browser(chromium, live_server.url, "bithu")
            browser.open("/api/docs/")
            browser.page.wait_for_selector(".opblock", timeout=20_000)
            paths = browser.page.locator(".opblock-summary-path").all_inner_texts()
            assert any("/steps/" in path for path in paths) and len(paths) >= 15, paths
            assert browser.violations == []
        finally:
            chromium.close()
