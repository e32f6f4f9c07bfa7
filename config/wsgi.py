import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


# The youngest generation's threshold: container objects allocated, net, before the collector runs.
# Python's 700 ran it ~14 times during one province report (a table of ~1,000 rows), each pass
# moving the report's live rows one generation up; a template's context is a reference cycle
# (Django's ContextDict points back to its Context), so the rows became garbage only a full
# collection frees, and those full passes over thousands of dead rows made the report's p95 (75 →
# 47 ms, `make bench`, province scale). At 10,000 most requests end before a pass, and their
# garbage dies in the young generation. 50,000 made the young pass itself a pause (p95 62 ms).
YOUNG_GENERATION_THRESHOLD = 10_000


def freeze_startup() -> int:
    """Import every view (the URLconf), then move all the objects made so far out of the garbage
    collector's reach: they live as long as the worker, and a full collection walked them all —
    a ~100 ms pause every ~50 requests, most of a page's p95 (issue 21). Then let the young
    generation grow to `YOUNG_GENERATION_THRESHOLD`. Returns how many objects were frozen."""
    from django.urls import get_resolver  # noqa: PLC0415

    get_resolver().url_patterns  # noqa: B018 (imports the views and what they import)
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, old)
    return gc.get_freeze_count()


freeze_startup()
