"""The French catalogue: every interface string translated, none fuzzy."""

from pathlib import Path

import polib
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def test_french_catalogue_is_complete_and_compiled():
    po = polib.pofile(str(CATALOGUE))
    assert not po.metadata_is_fuzzy
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    compiled = CATALOGUE.with_suffix(".mo")
    assert compiled.exists()
    assert {entry.msgid for entry in polib.mofile(str(compiled)) if entry.msgid} >= {
        entry.msgid for entry in po.translated_entries()
    }


def test_french_colons_have_a_non_breaking_space():
    for entry in polib.pofile(str(CATALOGUE)).translated_entries():
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            assert " :" not in text and " »" not in text and "« " not in text, entry.msgid
