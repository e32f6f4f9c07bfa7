"""`manage.py bench_import`: preview and import times of a generated file (issue 19 targets:
20,000 rows previewed in ≤ 60 s, imported in ≤ 5 min). Everything it writes is rolled back."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from bench.imports import measure
from imports.models import ImportKind


class Command(BaseCommand):
    help = "Time the preview and the import of a generated file of N rows; nothing is kept."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=20000)
        parser.add_argument("--kind", choices=ImportKind.values, default=ImportKind.CANDIDATES)

    def handle(self, *args, rows=20000, kind=ImportKind.CANDIDATES, **options):
        r = measure(kind, rows)
        self.stdout.write(f"{r.kind}: {r.rows} rows, file {r.file_bytes / 1048576:.1f} MB; "
                          f"preview {r.preview_s:.1f} s (CPU {r.preview_cpu:.1f} s); "
                          f"import {r.import_s:.1f} s (CPU {r.import_cpu:.1f} s); created {r.created}, refused {r.refused}")
