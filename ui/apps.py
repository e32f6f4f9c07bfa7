from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UiConfig(AppConfig):
    """The page pieces every page package shares: the shell's mixin, the form base and fields,
    the Vietnamese filters, the link makers, the idle-session guard. It imports no page package
    (web, documents, reports)."""

    name = "ui"
    verbose_name = _("Page pieces")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .sessions import mark_login

        user_logged_in.connect(mark_login, dispatch_uid="ui.sessions.mark_login")
