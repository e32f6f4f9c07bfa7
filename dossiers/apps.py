from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = _("Party admission dossiers")

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import prepared

        connection_created.connect(prepared.generic_plans, dispatch_uid="dossiers.prepared.generic_plans")
