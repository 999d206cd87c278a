"""
Bilingual text without silent fallback.

django-modeltranslation would quietly show English where French is missing;
Dossier shows the English text *marked* as not yet translated, with
``lang="en"`` on it (docs/architecture.md, "Promises", 5). The reverse gap
is marked the same way: a text that exists only in French is shown on
English pages, with ``lang="fr"`` and "not yet translated into English".
Every read of a translated field for display goes through ``localized()``.
"""

import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext

DEFAULT_LANGUAGE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


@dataclass(frozen=True)
class Localized:
    """A translated field's text as it will be shown."""

    text: str
    lang: str  # the language the text is really in
    is_fallback: bool  # the page's language was missing; this is another language's text

    def __str__(self):
        return self.text

    def __bool__(self):
        return bool(self.text)


def current_language() -> str:
    lang = (translation.get_language() or DEFAULT_LANGUAGE).split("-")[0]
    return lang if lang in LANGUAGE_CODES else DEFAULT_LANGUAGE


def localized(obj, field: str, lang: str | None = None) -> Localized:
    """The text of ``obj.<field>`` in ``lang`` (default: the active language),
    falling back to the default language, then to any other, visibly.

    A field empty in every language is the page's own empty text, not a
    fallback: there is nothing to mark as untranslated."""
    lang = lang or current_language()
    text = getattr(obj, f"{field}_{lang}", None) or ""
    if text.strip():
        return Localized(text, lang, False)
    for other in [DEFAULT_LANGUAGE, *LANGUAGE_CODES]:
        if other == lang:
            continue
        other_text = getattr(obj, f"{field}_{other}", None) or ""
        if other_text.strip():
            return Localized(other_text, other, True)
    return Localized(text, lang, False)


def localized_str(obj, field: str, default: str = "") -> str:
    """Plain text for ``__str__``: the active language's, else another's,
    else ``default``. Admin lists, selects and history name rows this way, so
    a French page names a term in French where it has a French name."""
    return localized(obj, field).text or default


def labelled(label, value) -> str:
    """``label: value`` with the colon of the active language: French puts
    a non-breaking space before it ("INC-0001 : titre")."""
    # Translators: a label, a colon, then what it labels (“INC-0001: Title”). French: a non-breaking space before the colon.
    return gettext("%(label)s: %(value)s") % {"label": label, "value": value}


def date_format(value, format_name="DATE_FORMAT") -> str:
    """``django.utils.formats.date_format``, with the first of the month as
    French writes it: « 1er mars 2026 » (no format character says "1er")."""
    text = formats.date_format(value, format_name)
    if current_language() == "fr" and value.day == 1 and formats.get_format(format_name).startswith("j"):
        text = "1er" + text[1:]
    return text


def fallback_note(lang: str | None = None) -> str:
    """The visible note beside a text shown in another language because the
    page's language (``lang``, default: the active one) has none."""
    if (lang or current_language()) == "en":
        return gettext("Not yet translated into English")
    return gettext("Not yet translated into French")


def starts_with_vowel(name: str) -> bool:
    """Whether ``name`` begins with a vowel sound French elides before:
    « Réponse d’Air Canada », not « de Air Canada ». An initial "h" is left
    alone (muet or aspiré cannot be told from the spelling)."""
    first = unicodedata.normalize("NFD", (name or "").lstrip(' «"“'))[:1].lower()
    return first in ("a", "e", "i", "o", "u", "y")


def missing_translations(obj, fields, lang="fr") -> list[str]:
    """Fields whose default-language text exists but whose ``lang`` text is empty."""
    return [
        field
        for field in fields
        if (getattr(obj, f"{field}_{DEFAULT_LANGUAGE}", None) or "").strip()
        and not (getattr(obj, f"{field}_{lang}", None) or "").strip()
    ]
