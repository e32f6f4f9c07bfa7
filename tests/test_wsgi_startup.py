"""The production entry point (config/wsgi.py, which gunicorn loads in each worker) imports the
views and freezes the start-up objects, so the garbage collector's full passes stay short, and
lets the youngest generation grow so that a request's garbage dies in it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_loading_the_wsgi_application_freezes_the_startup_objects():
    code = ("import gc, sys; import config.wsgi as w; "
            "assert 'web.views' in sys.modules, 'the views were not imported'; "
            "print(gc.get_freeze_count(), gc.get_threshold()[0])")
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings_test")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    frozen, young = out.stdout.split()
    assert int(frozen) > 50_000
    # A request's garbage dies young: the youngest generation is not collected every 700 objects.
    assert int(young) == 10_000
