"""The production entry point (config/wsgi.py, which gunicorn loads in each worker) imports the
views and freezes the start-up objects, so the garbage collector's full passes stay short."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_loading_the_wsgi_application_freezes_the_startup_objects():
    code = ("import gc, sys; import config.wsgi as w; "
            "assert 'web.views' in sys.modules, 'the views were not imported'; "
            "print(gc.get_freeze_count())")
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings_test")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.strip()) > 50_000
