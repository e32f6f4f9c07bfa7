from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo district (`manage.py seed_demo`, `seed_quotas`, `demo_logins`): installed by
    config/settings_dev.py for `make run` and by the test settings, never in production."""

    name = "demo"
    verbose_name = "Demo data"
