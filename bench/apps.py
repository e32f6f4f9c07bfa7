from django.apps import AppConfig


class BenchConfig(AppConfig):
    """`manage.py bench`: the national-size data set and the measurements of issue 7."""

    name = "bench"
    verbose_name = "Benchmark"
