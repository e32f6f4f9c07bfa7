"""`manage.py backup [--dir D] [--keep N]`: one archive of the database and MEDIA_ROOT (ops.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops import backup


class Command(BaseCommand):
    help = "Write one backup archive (database + media + manifest) into BACKUP_DIR and keep the newest BACKUP_KEEP."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, help="directory of the archives (default: BACKUP_DIR)")
        parser.add_argument("--keep", type=int, help="archives to keep, oldest deleted first (default: BACKUP_KEEP; 0 keeps all)")
        parser.add_argument("--database", default="default")

    def handle(self, *args, dir=None, keep=None, database="default", **options):
        try:
            path = backup.create(directory=dir, keep=keep, alias=database)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(path))
