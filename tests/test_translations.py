"""The French interface catalogue is complete, compiled, current and follows
French (Canadian) typography."""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
PO_PATH = BASE_DIR / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
# nplurals=3 in French: one, "de" (millions), many. The numbers pick each form.
PLURAL_SAMPLES = (1, 1_000_000, 2)


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(PO_PATH))


def live_entries(catalogue):
    return [entry for entry in catalogue if not entry.obsolete]


def test_every_interface_string_is_translated(catalogue):
    untranslated = [
        entry.msgid
        for entry in live_entries(catalogue)
        if (entry.msgid_plural and not all(entry.msgstr_plural.get(i, "").strip() for i in range(3)))
        or (not entry.msgid_plural and not entry.msgstr.strip())
    ]
    assert untranslated == [], "Translate these in locale/fr/LC_MESSAGES/django.po"


def test_no_translation_is_fuzzy(catalogue):
    fuzzy = [entry.msgid for entry in live_entries(catalogue) if "fuzzy" in entry.flags]
    assert fuzzy == [], "Check these translations and remove their fuzzy flag"
    assert not catalogue.metadata_is_fuzzy


def test_compiled_catalogue_matches_the_po_file(catalogue):
    with MO_PATH.open("rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)
    stale = []
    for entry in live_entries(catalogue):
        if entry.msgid_plural:
            for n in PLURAL_SAMPLES:
                expected = entry.msgstr_plural[compiled.plural(n)]
                got = (
                    compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                    if entry.msgctxt
                    else compiled.ngettext(entry.msgid, entry.msgid_plural, n)
                )
                if got != expected:
                    stale.append((entry.msgid, n, got, expected))
        else:
            got = compiled.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else compiled.gettext(entry.msgid)
            if got != entry.msgstr:
                stale.append((entry.msgid, got, entry.msgstr))
    assert stale == [], "Run `make messages` to recompile django.mo"


def test_catalogue_holds_every_string_of_the_code(tmp_path):
    """makemessages, run on a copy of the project, finds no string the
    committed catalogue lacks: nothing new was left untranslated."""
    for name in ("config", "core", "evidence", "incidents", "imports", "taxonomy", "templates", "locale"):
        shutil.copytree(BASE_DIR / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(BASE_DIR / "manage.py", tmp_path / "manage.py")
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "fr", "--no-obsolete", "--add-location", "file"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    extracted = {(e.msgctxt, e.msgid) for e in polib.pofile(str(tmp_path / PO_PATH.relative_to(BASE_DIR)))}
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO_PATH)) if not e.obsolete}
    assert sorted(extracted - committed) == [], "Run `make messages` and translate the new strings"


# French typography ---------------------------------------------------------------

NBSP = "\u00a0\u202f"


def french_strings(catalogue):
    for entry in live_entries(catalogue):
        texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in texts:
            # Drop URLs and placeholders: their colons are not punctuation.
            yield entry.msgid, re.sub(r"https?://\S*|%\([a-z_]+\)[sd]|\[@[^\]]*\]", "X", text)


def test_french_has_a_non_breaking_space_before_each_colon(catalogue):
    wrong = [msgid for msgid, text in french_strings(catalogue) if re.search(rf"(^|[^{NBSP}]):(\s|$)", text)]
    assert wrong == []


def test_french_has_no_space_before_semicolons_and_question_or_exclamation_marks(catalogue):
    wrong = [msgid for msgid, text in french_strings(catalogue) if re.search(rf"[ {NBSP}][;!?]", text)]
    assert wrong == []


def test_french_guillemets_hold_non_breaking_spaces(catalogue):
    wrong = [
        msgid
        for msgid, text in french_strings(catalogue)
        if re.search(rf"«[^{NBSP}]|[^{NBSP}]»", text) or "“" in text or "”" in text
    ]
    assert wrong == []
