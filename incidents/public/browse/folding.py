"""
Search text folded for the simple search backend (SQLite, the default
setup): case and accents folded, each word cut to a light stem, so that
"economie", "Économie" and "économiques" find one another on /fr/, and
"deepfakes" finds "deepfake" on /en/, as PostgreSQL's ``french_unaccent``
and ``english`` configurations do
(docs/architecture.md, "Search on PostgreSQL").

``fold(text, lang)`` turns a text into its stems separated by single spaces,
with one space before and after, so that ``' ' || stem`` is a word start:

    fold("L'Économie des données", "fr") == " l econom de donn "

The simple backend compares the folded query with the folded column through
``dossier_fold(text, lang)``, a function registered on every SQLite
connection (``register_functions``, connected in ``incidents.apps``).

The stemmers are deliberately light: plurals and the commonest derivational
endings only, never below three letters, so that a stem rarely joins two
unrelated words. They are applied the same way to the text and the query, so
a word always finds itself.
"""

import functools
import re
import unicodedata

_WORD = re.compile(r"\w+")

# Longest first; the ending removed only if at least MIN_STEM letters remain.
MIN_STEM = 3
_FRENCH_ENDINGS = (
    "issements",
    "issement",
    "atrices",
    "atrice",
    "ateurs",
    "ateur",
    "ations",
    "ation",
    "ements",
    "ement",
    "ments",
    "ment",
    "iques",
    "ique",
    "istes",
    "iste",
    "ismes",
    "isme",
    "ables",
    "able",
    "euses",
    "euse",
    "eux",
    "ites",
    "ite",
    "ives",
    "ive",
    "ifs",
    "if",
    "ees",
    "ee",
    "ies",
    "ie",
    "es",
    "er",
    "ez",
    "e",
    "s",
    "x",
)
_ENGLISH_ENDINGS = (
    "ations",
    "ation",
    "ements",
    "ement",
    "ments",
    "ment",
    "nesses",
    "ness",
    "ingly",
    "ings",
    "ing",
    "edly",
    "ies",
    "ied",
    "ed",
    "ly",
    "es",
    "s",
)


def fold_char(char: str) -> str:
    """One character, lower-case and without its accents: always one
    character, so positions in a folded text are positions in the original
    (``highlight`` relies on it)."""
    decomposed = unicodedata.normalize("NFD", char.lower())
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base[:1] or char.lower()[:1] or char


def unaccent(text: str) -> str:
    """``text`` lower-cased and without accents, character for character."""
    return "".join(map(fold_char, text))


@functools.lru_cache(maxsize=65536)
def stem(word: str, lang: str) -> str:
    """The light stem of an unaccented, lower-case word."""
    if lang == "fr":
        endings = _FRENCH_ENDINGS
    else:
        endings = _ENGLISH_ENDINGS
        if word.endswith(("sses", "ss")):
            return word[:-2] if word.endswith("sses") else word
    for ending in endings:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            word = word[: -len(ending)]
            break
    # "clone", "cloned", "cloning" -> "clon".
    if lang != "fr" and word.endswith("e") and len(word) > MIN_STEM:
        word = word[:-1]
    return word


def words(text: str, lang: str) -> list[str]:
    """The stems of ``text``'s words."""
    return [stem(word, lang) for word in _WORD.findall(unaccent(text or ""))]


def fold(text, lang: str) -> str:
    """``text`` as the simple search compares it: its stems between single
    spaces, one space before and after."""
    return " " + " ".join(words(text or "", lang)) + " "


def register_functions(sender, connection, **kwargs):
    """``dossier_fold(text, lang)`` on every new SQLite connection
    (PostgreSQL searches its own tsvector columns)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("dossier_fold", 2, _fold_or_null, deterministic=True)


def _fold_or_null(text, lang):
    return None if text is None else fold(text, lang)
