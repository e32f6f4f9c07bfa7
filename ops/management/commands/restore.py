"""`manage.py restore FILE`: check the archive's hashes, refuse another engine or a newer schema,
then replace the database and MEDIA_ROOT. Stop the servers and the worker first (README)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops import backup


class Command(BaseCommand):
    help = "Restore a backup archive written by `manage.py backup` (stop the servers and the worker first)."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")
        parser.add_argument("--database", default="default")

    def handle(self, *args, archive, interactive=True, database="default", **options):
        if interactive:
            answer = input(f"Replace the database and MEDIA_ROOT with {archive}? Type 'yes' to continue: ")
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        try:
            done = backup.restore(archive, alias=database)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{done.path} ({done.manifest['created_at']}) restored")
