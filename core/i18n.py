"""
Bilingual text without silent fallback.

django-modeltranslation would quietly show English where French is missing;
Dossier shows the English text *marked* as not yet translated, with
``lang="en"`` on it (docs/architecture.md, "Promises", 5). Every read of a translated field
for display goes through ``localized()``.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

DEFAULT_LANGUAGE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


@dataclass(frozen=True)
class Localized:
    """A translated field's text as it will be shown."""

    text: str
    lang: str  # the language the text is really in
    is_fallback: bool  # the page's language was missing; this is the default one

    def __str__(self):
        return self.text

    def __bool__(self):
        return bool(self.text)


def current_language() -> str:
    lang = (translation.get_language() or DEFAULT_LANGUAGE).split("-")[0]
    return lang if lang in LANGUAGE_CODES else DEFAULT_LANGUAGE


def localized(obj, field: str, lang: str | None = None) -> Localized:
    """The text of ``obj.<field>`` in ``lang`` (default: the active language),
    falling back to the default language, visibly."""
    lang = lang or current_language()
    text = getattr(obj, f"{field}_{lang}", None) or ""
    if text.strip() or lang == DEFAULT_LANGUAGE:
        return Localized(text, lang, False)
    return Localized(getattr(obj, f"{field}_{DEFAULT_LANGUAGE}", None) or "", DEFAULT_LANGUAGE, True)


def fallback_note() -> str:
    """The visible note beside an English text shown for a missing French one."""
    return gettext("Not yet translated into French")


def missing_translations(obj, fields, lang="fr") -> list[str]:
    """Fields whose default-language text exists but whose ``lang`` text is empty."""
    return [
        field
        for field in fields
        if (getattr(obj, f"{field}_{DEFAULT_LANGUAGE}", None) or "").strip()
        and not (getattr(obj, f"{field}_{lang}", None) or "").strip()
    ]
