"""locale/vi is complete: every string the code and templates mark for translation has a
Vietnamese translation, none fuzzy, none empty."""

import re
import subprocess
from pathlib import Path

import pytest
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
SOURCES = ["config", "dossiers", "permissions", "accounts", "workflows", "ui", "documents", "reports", "imports", "api", "exports", "web", "ops", "demo", "templates"]
KEYWORDS = ["gettext", "gettext_lazy", "gettext_noop", "_", "ngettext:1,2", "ngettext_lazy:1,2",
            "pgettext:1c,2", "pgettext_lazy:1c,2", "npgettext:1c,2,3"]


def catalogue_entries() -> dict[tuple[str, str], tuple[str, bool]]:
    """(context, msgid) → (first msgstr, fuzzy) from the .po file, via msgcat's one-line form."""
    text = subprocess.run(["msgcat", "--no-wrap", "--sort-output", str(CATALOGUE)], capture_output=True,
                          text=True, check=True).stdout
    entries = {}
    for block in text.split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue
        ctx = re.search(r'^msgctxt "(.*)"$', block, re.M)
        msgid = re.search(r'^msgid "(.*)"$', block, re.M)
        msgstr = re.search(r'^msgstr(?:\[0\])? "(.*)"$', block, re.M)
        if msgid and msgid.group(1):
            fuzzy = bool(re.search(r"^#,.*fuzzy", block, re.M))
            entries[(ctx.group(1) if ctx else "", msgid.group(1))] = (msgstr.group(1) if msgstr else "", fuzzy)
    return entries


def extracted_msgids(tmp_path: Path) -> set[tuple[str, str]]:
    """What makemessages would extract: xgettext over the Python files and the templatized templates."""
    files = []
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*"):
            if "migrations" in path.parts or not path.is_file():
                continue
            if path.suffix == ".py":
                files.append(path)
            elif path.suffix in (".html", ".txt"):
                out = tmp_path / (str(path.relative_to(ROOT)).replace("/", "__") + ".py")
                out.write_text(templatize(path.read_text(encoding="utf-8"), origin=str(path)), encoding="utf-8")
                files.append(out)
    pot = tmp_path / "all.pot"
    subprocess.run(["xgettext", "--language=Python", "--from-code=UTF-8", "--no-wrap", "--force-po", "-o", str(pot),
                    *[f"--keyword={k}" for k in KEYWORDS], *map(str, files)], check=True, capture_output=True)
    found = set()
    for block in pot.read_text(encoding="utf-8").split("\n\n"):
        ctx = re.search(r'^msgctxt "(.*)"$', block, re.M)
        msgid = re.search(r'^msgid "(.*)"$', block, re.M)
        if msgid and msgid.group(1):
            found.add((ctx.group(1) if ctx else "", msgid.group(1)))
    return found


def test_every_catalogue_entry_has_a_vietnamese_translation_and_none_is_fuzzy():
    entries = catalogue_entries()
    assert len(entries) > 500
    missing = [msgid for key, (msgstr, fuzzy) in entries.items() for msgid in [key[1]] if not msgstr or fuzzy]
    assert missing == []


@pytest.mark.skipif(subprocess.run(["which", "xgettext"], capture_output=True).returncode != 0,
                    reason="xgettext (GNU gettext) is not installed")
def test_every_string_marked_in_the_code_is_in_the_catalogue(tmp_path):
    missing = sorted(extracted_msgids(tmp_path) - set(catalogue_entries()))
    assert missing == [], f"run makemessages -l vi and translate: {missing[:10]}"
