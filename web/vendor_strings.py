"""Strings of viewflow's shell that our pages show. viewflow ships no Vietnamese catalogue, so these
msgids are listed here for makemessages and translated in locale/vi with the project's own."""

from django.utils.translation import gettext_noop

VIEWFLOW_STRINGS = [
    gettext_noop("Log out"),
    gettext_noop("Login"),
    gettext_noop("Log in"),
    gettext_noop("Profile"),
    gettext_noop("Applications"),
    gettext_noop("Back"),
    gettext_noop("Change"),
    gettext_noop("Filter"),
    gettext_noop("Pick an action"),
]
