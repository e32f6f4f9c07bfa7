"""The tests' builders live in `builders` (shared with the benchmark); this keeps `from .factories import …`."""

from builders.factories import *  # noqa: F403
