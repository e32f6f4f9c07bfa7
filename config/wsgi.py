import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def freeze_startup() -> int:
    """Import every view (the URLconf), then move all the objects made so far out of the garbage
    collector's reach: they live as long as the worker, and a full collection walked them all —
    a ~100 ms pause every ~50 requests, most of a page's p95 (issue 21). Returns how many."""
    from django.urls import get_resolver  # noqa: PLC0415

    get_resolver().url_patterns  # noqa: B018 (imports the views and what they import)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


freeze_startup()
