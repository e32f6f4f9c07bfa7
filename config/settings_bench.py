"""`make bench`: the development settings plus the benchmark (`manage.py bench`, `bench_documents`).

The benchmark wipes and bulk-loads its own database (bench/dataset.py), so it is never installed
by the product's settings."""

from .settings_dev import *  # noqa: F403
from .settings_dev import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
