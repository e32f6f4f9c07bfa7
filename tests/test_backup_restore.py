"""Issue 18 §4: `manage.py backup` writes one archive (database, MEDIA_ROOT, manifest of hashes) and
`manage.py restore` puts back exactly the backup moment: every table's rows, the issued PDFs byte
for byte with their SHA-256 verifying, the media files. Runs on SQLite and on PostgreSQL (the
database in use, read at run time: pytest's test database)."""

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from builders.templates import dossier_copy
from documents import services
from documents.models import IssuedDocument, SignedScan
from dossiers.models import Candidate, Dossier, State
from ops import backup

from .factories import PartyMemberFactory, scan_pdf

pytestmark = pytest.mark.django_db(transaction=True)


def every_row() -> dict[str, list]:
    """Every table of the database, its rows sorted, binary values as bytes."""
    def plain(value):
        return bytes(value) if isinstance(value, memoryview | bytearray) else value

    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[table] = sorted((tuple(plain(v) for v in row) for row in cursor.fetchall()), key=repr)
    return rows


def media_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "exports").mkdir(parents=True)
    (settings.MEDIA_ROOT / "exports" / "danh-sách.txt").write_text("Nguyễn Văn Ấn\n", encoding="utf-8")
    settings.BACKUP_DIR = tmp_path / "backups"
    return settings.MEDIA_ROOT


@pytest.fixture
def recognized(cell_a, secretary_a):
    return dossier_copy(State.RECOGNIZED, cell=cell_a, actor=secretary_a)


def test_a_restore_brings_back_every_row_the_issued_pdfs_and_the_media_of_the_backup_moment(
        media, recognized, secretary_a, approver, cell_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    issued = services.document_issue(dossier=recognized, form="9-KNĐ", actor=approver)
    services.scan_upload(dossier=recognized, step="record_branch_vote", actor=secretary_a,
                         upload=SimpleUploadedFile("nghi-quyet.pdf", scan_pdf()))
    before, files_before = every_row(), media_files(media)
    pdf_before = bytes(issued.pdf)

    out = io.StringIO()
    call_command("backup", stdout=out)
    archive = Path(out.getvalue().strip())
    assert archive.parent == media.parent / "backups" and archive.name.startswith("backup-")

    # Everything changes after the backup: rows created, modified and deleted, a document issued,
    # the media rewritten.
    other = dossier_copy(State.RECOGNIZED, cell=cell_a, actor=secretary_a)
    services.document_issue(dossier=other, form="9-KNĐ", actor=approver)
    services.document_issue(dossier=recognized, form="9-KNĐ", actor=approver, reason="Cấp lại")
    Candidate.objects.filter(pk=recognized.candidate_id).update(full_name="Hoàng Thị Đổi Tên")
    SignedScan.objects.all().delete()
    IssuedDocument.objects.filter(pk=issued.pk).update(pdf=b"%PDF-1.4 altered", sha256="0" * 64)
    (media / "exports" / "danh-sách.txt").write_text("đã sửa", encoding="utf-8")
    (media / "new.bin").write_bytes(b"\0" * 10)
    assert every_row() != before

    call_command("restore", str(archive), "--noinput", stdout=io.StringIO())

    after = every_row()
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    assert media_files(media) == files_before
    restored = IssuedDocument.objects.get(pk=issued.pk)
    assert bytes(restored.pdf) == pdf_before and restored.verify()
    assert all(doc.verify() for doc in IssuedDocument.objects.all())
    assert SignedScan.objects.count() == 1
    # The sequences came back too: a new row after the restore takes a fresh id.
    assert PartyMemberFactory(cell=cell_a).pk
    assert Dossier.objects.count() == 1


def test_the_manifest_lists_every_member_with_its_hash_the_engine_and_the_migrations(media, tree):
    archive = backup.create()
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = {m.name for m in tar.getmembers()} - {"manifest.json"}
    assert manifest["engine"] == connection.vendor
    assert set(manifest["members"]) == names
    assert {"media/exports/danh-sách.txt", manifest["database"]} <= names
    assert "0001_initial" in manifest["migrations"]["dossiers"]
    assert all(len(m["sha256"]) == 64 for m in manifest["members"].values())


def rewrite(archive: Path, change) -> Path:
    """A copy of the archive with its manifest or a member changed by `change(name, bytes)`."""
    copy = archive.with_name("changed-" + archive.name)
    with tarfile.open(archive) as src, tarfile.open(copy, "w") as dst:
        for member in src.getmembers():
            data = change(member.name, src.extractfile(member).read())
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return copy


def test_a_damaged_archive_is_refused_before_anything_is_touched(media, tree):
    archive = backup.create()
    before = every_row()
    damaged = rewrite(archive, lambda name, data: data[:-1] + bytes([data[-1] ^ 1]) if name.startswith("database") else data)
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("restore", str(damaged), "--noinput")
    assert every_row() == before


def test_a_backup_of_another_engine_or_a_newer_schema_is_refused_with_a_clear_message(media, tree):
    archive = backup.create()
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"

    def engine(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["engine"] = other
        return json.dumps(manifest).encode()

    with pytest.raises(CommandError, match=other):
        call_command("restore", str(rewrite(archive, engine)), "--noinput")

    def newer(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["dossiers"].append("9999_from_the_future")
        return json.dumps(manifest).encode()

    with pytest.raises(CommandError, match="dossiers.9999_from_the_future"):
        call_command("restore", str(rewrite(archive, newer).rename(archive.with_name("newer.tar"))), "--noinput")


def test_retention_keeps_the_newest_archives_only(media, tree, settings):
    made = [backup.create(keep=0) for _ in range(3)]
    settings.BACKUP_KEEP = 2
    call_command("backup", stdout=io.StringIO())
    kept = backup.archives(settings.BACKUP_DIR)
    assert len(kept) == 2 and made[0] not in kept and made[1] not in kept and made[2] in kept
