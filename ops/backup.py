"""One backup is one tar file: the database (pg_dump's custom format, or a SQLite copy made with the
online backup API), every file under MEDIA_ROOT, and a manifest with the SHA-256 of each member,
the time, the database engine and the migrations applied.

Issued PDFs and signed scans are stored in the database (documents.models: BinaryField), so the
dump holds them; MEDIA_ROOT is archived too, for whatever an operator or a later feature puts there.
The database read is the one in use at run time (`connection.settings_dict`), so a test backs up
its own test database.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
PREFIX = "backup-"
SUFFIX = ".tar"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup that cannot be made or restored; the message is for the operator."""


@dataclass
class Restored:
    path: Path
    manifest: dict


def engine_of(alias: str = DEFAULT_DB_ALIAS) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(_("Backups support PostgreSQL and SQLite, not %(vendor)s.") % {"vendor": vendor})
    return vendor


def applied_migrations(alias: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[alias]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _pg_env(conf: dict) -> tuple[list[str], dict]:
    args = []
    if conf.get("HOST"):
        args += ["--host", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["--port", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["--username", str(conf["USER"])]
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(_("%(tool)s is not installed on this machine.") % {"tool": command[0]}) from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]}: {done.stderr.strip()}")


def _dump_database(alias: str, target: Path) -> None:
    connection = connections[alias]
    conf = connection.settings_dict
    if connection.vendor == "postgresql":
        args, env = _pg_env(conf)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *args,
              "--file", str(target), "--dbname", conf["NAME"]], env)
    else:
        # The online backup API copies a consistent snapshot while others keep reading and writing
        # (and works for the in-memory database of the tests).
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()


def _media_files() -> list[tuple[Path, str]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted((path, "media/" + path.relative_to(root).as_posix()) for path in root.rglob("*") if path.is_file())


def backup_directory() -> Path:
    return Path(settings.BACKUP_DIR)


def create(directory: Path | None = None, keep: int | None = None, alias: str = DEFAULT_DB_ALIAS) -> Path:
    """Write one archive into `directory` (BACKUP_DIR) and delete the oldest beyond `keep` (BACKUP_KEEP)."""
    directory = Path(directory or backup_directory())
    keep = settings.BACKUP_KEEP if keep is None else keep
    directory.mkdir(parents=True, exist_ok=True)
    engine = engine_of(alias)
    now = timezone.now()
    stamp = now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    final = directory / f"{PREFIX}{stamp}{SUFFIX}"
    with tempfile.TemporaryDirectory(dir=directory, prefix=".backup-") as work:
        dump = Path(work) / ("database.dump" if engine == "postgresql" else "database.sqlite3")
        _dump_database(alias, dump)
        members = [(dump, dump.name), *_media_files()]
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "engine": engine,
            "database": dump.name,
            "migrations": applied_migrations(alias),
            "members": {name: {"sha256": sha256_file(path), "size": path.stat().st_size} for path, name in members},
        }
        partial = Path(work) / final.name
        with tarfile.open(partial, "w") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(now.timestamp())
            archive.addfile(info, io.BytesIO(data))
            for path, name in members:
                archive.add(path, arcname=name, recursive=False)
        os.chmod(partial, 0o600)  # political personal data: readable by the service account only
        os.replace(partial, final)
    prune(directory, keep)
    return final


def archives(directory: Path) -> list[Path]:
    """The backups in `directory`, oldest first (their names sort by time)."""
    return sorted(p for p in Path(directory).glob(f"{PREFIX}*{SUFFIX}") if p.is_file())


def prune(directory: Path, keep: int) -> list[Path]:
    if keep <= 0:
        return []
    old = archives(directory)[:-keep]
    for path in old:
        path.unlink()
    return old


def _safe_member(name: str) -> bool:
    parts = Path(name).parts
    return bool(parts) and not Path(name).is_absolute() and ".." not in parts


def verify(path: Path, into: Path) -> dict:
    """Extract the archive into `into` and check every member against the manifest; nothing else
    is touched. Returns the manifest."""
    try:
        archive = tarfile.open(path, "r")
    except (OSError, tarfile.TarError):
        raise BackupError(_("%(path)s is not a backup archive.") % {"path": path}) from None
    with archive:
        try:
            manifest = json.loads(archive.extractfile(MANIFEST).read())
        except (KeyError, AttributeError, ValueError):
            raise BackupError(_("The backup has no readable manifest.")) from None
        listed = manifest.get("members", {})
        names = [m.name for m in archive.getmembers() if m.isfile() and m.name != MANIFEST]
        if set(names) != set(listed) or not all(_safe_member(n) for n in names):
            raise BackupError(_("The files in the backup do not match its manifest."))
        archive.extractall(into, members=[m for m in archive.getmembers() if m.name in listed], filter="data")
    for name, expected in listed.items():
        if sha256_file(into / name) != expected["sha256"]:
            raise BackupError(_("%(name)s in the backup is damaged: its SHA-256 does not match the manifest.")
                              % {"name": name})
    return manifest


def check_compatible(manifest: dict, alias: str = DEFAULT_DB_ALIAS) -> None:
    engine = engine_of(alias)
    if manifest.get("format") != FORMAT:
        raise BackupError(_("This backup was written in another format (%(format)s).") % {"format": manifest.get("format")})
    if manifest.get("engine") != engine:
        raise BackupError(_("This is a backup of a %(theirs)s database; this installation uses %(ours)s.")
                          % {"theirs": manifest.get("engine"), "ours": engine})
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(f"{app}.{name}" for app, names in manifest.get("migrations", {}).items()
                     for name in names if (app, name) not in known)
    if unknown:
        raise BackupError(_("The backup comes from a newer version of the application (migrations unknown here: "
                            "%(names)s). Install that version first.") % {"names": ", ".join(unknown[:5])})


def _restore_database(alias: str, dump: Path) -> None:
    connection = connections[alias]
    conf = connection.settings_dict
    if connection.vendor == "postgresql":
        connection.close()  # hold no lock on the tables pg_restore drops
        args, env = _pg_env(conf)
        _run(["pg_restore", "--clean", "--if-exists", "--single-transaction", "--no-owner", "--no-privileges",
              "--exit-on-error", *args, "--dbname", conf["NAME"], str(dump)], env)
    else:
        # The backup API writes the whole snapshot into the live database under its write lock:
        # no file is swapped under an open connection, and a failure leaves the old content.
        if connection.in_atomic_block:
            raise BackupError(_("Restore cannot run inside a transaction."))
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()


def _restore_media(extracted: Path, manifest: dict) -> None:
    media = [name for name in manifest["members"] if name.startswith("media/")]
    root = Path(settings.MEDIA_ROOT)
    if not media and not root.exists():
        return
    staged = root.with_name(root.name + ".restoring")
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir(parents=True)
    for name in media:
        target = staged / name.removeprefix("media/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(extracted / name, target)
    old = root.with_name(root.name + ".before-restore")
    shutil.rmtree(old, ignore_errors=True)
    if root.exists():
        os.replace(root, old)
    os.replace(staged, root)
    shutil.rmtree(old, ignore_errors=True)


def restore(path: Path, alias: str = DEFAULT_DB_ALIAS) -> Restored:
    """Verify every hash, refuse another engine or a newer schema, then replace the database and
    MEDIA_ROOT with the backup's."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("%(path)s does not exist.") % {"path": path})
    with tempfile.TemporaryDirectory(prefix="restore-") as work:
        extracted = Path(work)
        manifest = verify(path, extracted)
        check_compatible(manifest, alias)
        _restore_database(alias, extracted / manifest["database"])
        _restore_media(extracted, manifest)
    connections[alias].close()
    forget_kept_state()
    return Restored(path=path, manifest=manifest)


def forget_kept_state() -> None:
    """What the shared cache keeps about each user (his version, menu entries, verified device and
    badge count: `permissions.user_version`, `web.menu`, `accounts.middleware`, `workflows.badge`) describes the database just replaced.
    Deleted by pattern on Redis (a FLUSHDB would empty other installations sharing it); a memory
    cache dies with the stopped servers."""
    from django.core.cache import cache  # noqa: PLC0415

    if hasattr(cache, "delete_pattern"):
        for pattern in ("user-version:*", "menu-entries:*", "otp-device:*", "inbox-version:*", "inbox-count:*"):
            cache.delete_pattern(pattern)
