"""Row links made from one `reverse` per page (web/links.py) must be the links `reverse` makes."""

import pytest
from django.urls import reverse

from ui.links import pk_word_url_maker, step_url_maker, url_maker


@pytest.mark.parametrize("name", ["dossiers:detail", "tasks:claim", "tasks:unassign", "tasks:reassign"])
def test_a_row_link_is_the_link_reverse_makes(name):
    make = url_maker(name)
    for pk in (1, 7, 98765, 9876543210):
        assert make(pk) == reverse(name, args=[pk])


def test_a_step_or_form_link_is_the_link_reverse_makes():
    step = step_url_maker()
    for pk, word in ((1, "enroll_training"), (42, "record_branch_vote")):
        assert step(pk, word) == reverse("dossiers:step", args=[pk, word])
    for name in ("documents:issue", "documents:draft"):
        make = pk_word_url_maker(name)
        assert make(3, "6-knd") == reverse(name, args=[3, "6-knd"])
