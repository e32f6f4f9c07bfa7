"""Links for the rows of a list, from one `reverse` per kind of link and page.

viewflow's site nests every application's URLconf, so one `reverse` costs a walk through it; a
page of 25 tasks with four links each paid a hundred of them. The URL of a row differs from its
neighbour's only by the id: reverse once with a placeholder, then put each row's id in its place.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

_PLACEHOLDER = 9876543210


def url_maker(name: str) -> Callable[[int], str]:
    """pk → the URL named `name` for that pk (a URL taking one integer argument)."""
    head, _sep, tail = reverse(name, args=[_PLACEHOLDER]).rpartition(str(_PLACEHOLDER))
    return lambda pk: f"{head}{int(pk)}{tail}"


def pk_word_url_maker(name: str) -> Callable[[int, str], str]:
    """(pk, word) → the URL named `name` (a URL taking an integer, then a slug such as a step's or
    a form's name, which needs no quoting)."""
    head, _sep, tail = reverse(name, args=[_PLACEHOLDER, "word"]).rpartition(str(_PLACEHOLDER))
    before, _sep, after = tail.rpartition("word")
    return lambda pk, word: f"{head}{int(pk)}{before}{word}{after}"


def step_url_maker() -> Callable[[int, str], str]:
    """(dossier pk, step) → the step's form."""
    return pk_word_url_maker("dossiers:step")
