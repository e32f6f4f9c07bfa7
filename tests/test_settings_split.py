"""The product's settings install neither the demo nor the benchmark, and keep the strong hasher;
the development, benchmark and test settings add them on top (config/settings_*.py)."""

import importlib

from django.conf import settings


def settings_module(name: str):
    return importlib.import_module(f"config.{name}")


def test_production_settings_install_neither_the_demo_nor_the_benchmark():
    product = settings_module("settings")
    assert "demo" not in product.INSTALLED_APPS
    assert "bench" not in product.INSTALLED_APPS
    # Django's default (PBKDF2) unless the operator chooses: the fast test hasher never leaks in.
    assert not hasattr(product, "PASSWORD_HASHERS")


def test_make_run_adds_the_demo_and_make_bench_the_benchmark():
    dev, bench = settings_module("settings_dev"), settings_module("settings_bench")
    assert dev.INSTALLED_APPS[-1] == "demo" and "bench" not in dev.INSTALLED_APPS
    assert {"demo", "bench"} <= set(bench.INSTALLED_APPS)


def test_the_tests_run_with_a_fast_hasher_and_both_extra_apps():
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert {"demo", "bench"} <= set(settings.INSTALLED_APPS)


def test_the_makefile_runs_the_demo_and_the_benchmark_with_their_settings():
    makefile = (settings.BASE_DIR / "Makefile").read_text()
    assert "DEV := DJANGO_SETTINGS_MODULE=config.settings_dev" in makefile
    assert "$(DEV) $(PY) manage.py seed_demo" in makefile
    assert "$(DEV) $(PY) manage.py runserver" in makefile
    assert "DJANGO_SETTINGS_MODULE=config.settings_bench" in makefile
