"""`make run`: the product's settings plus the demo district (`manage.py seed_demo`)."""

from .settings import *  # noqa: F403
from .settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "demo"]
