"""pytest (pyproject.toml): the benchmark's settings, with a password hasher made for tests.

The bench app is installed because tests check that its measurements keep nothing. MD5 makes a
test user in microseconds instead of PBKDF2's ~0.2 s; tests/test_settings_split.py checks that
the product's settings keep the strong hasher."""

from .settings_bench import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
