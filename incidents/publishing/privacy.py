"""
Likely personal data in a version's text, for the reviewer to judge.

The review screen (``admin/review.py``) lists what looks like an e-mail
address, a phone number or a street address in every translated text of a
version and of its parts, in both languages. These are hints, not
decisions: nothing here blocks a sign-off or a publication. The neutrality
checklist asks the reviewer whether the record says more about private
individuals than the public interest requires (migration
``0005_privacy_checklist_item``); this module only points at where to look.

The patterns are deliberately conservative: a false alarm on every date
would teach reviewers to skip the list. Not flagged:

- dates (2025-07-16, 16/07/2025), years, version numbers (2.4.1), amounts
  (1 200 000 $, $1,200,000, +15 000 000 $);
- citation keys ([@rcmp-2025]) and the digits of URLs and link targets
  (an e-mail address is flagged even there: a link publishes it too);
- a street address whose civic number looks like a year (1900–2099), so
  that "In 2024 Ontario Place…" is not an address.

Phone numbers are North American (613-555-0123, (613) 555-0123,
+1 613 555 0123, 1-800-555-0199), international with a leading "+"
(+33 1 23 45 67 89, +44 20 7946 0958) or French national (01 23 45 67 89).
Street addresses are English ("123 Main Street", "100 Queen St. West") or
French ("45 rue Sainte-Catherine", "1200, boul. René-Lévesque"), whatever
the language of the field: a French text may give a Toronto address.

Reading the parts costs no query when they are prefetched, as the review
screen does for its comparison (``review.REVIEW_PREFETCHES``).
"""

import re
from dataclasses import dataclass

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.i18n import LANGUAGE_CODES
from incidents.models import VERSION_PART_MODELS, RecordVersion


class Kind(models.TextChoices):
    EMAIL = "email", _("E-mail address")
    PHONE = "phone", _("Phone number")
    ADDRESS = "address", _("Street address")


# Characters around the match shown in an excerpt, on each side (about).
EXCERPT_CONTEXT = 40

# Between the groups of a phone number or the words of an address: a space
# (also non-breaking, as French typography puts them), a dot or a hyphen.
_SEP = r"[ \u00a0\u202f.\-\u2011]"
_SPACE = r"[ \u00a0\u202f]"

EMAIL_RE = re.compile(
    r"(?<![\w.%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]*@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}(?![\w\-])"
)

# North American numbering plan: area code and exchange start with 2–9; the
# groups are separated (ten digits in a row are not flagged: ids look so).
NANP_RE = re.compile(
    rf"(?<![\w+])(?<!\d{_SEP})"
    rf"(?:\+?1{_SEP}?)?"
    rf"(?:\([2-9]\d{{2}}\){_SEP}?|[2-9]\d{{2}}{_SEP})"
    rf"[2-9]\d{{2}}{_SEP}\d{{4}}"
    rf"(?![\w\u2011\-]|[.,]\d)"
)

# International: "+", a country code, then separated groups of digits.
INTERNATIONAL_RE = re.compile(
    rf"(?<![\w+])\+[1-9]\d{{0,2}}(?:{_SEP}?\(\d{{1,4}}\))?(?:{_SEP}\d{{1,8}}){{1,6}}(?![\w]|[.,\-]\d)"
    rf"|(?<![\w+])\+[1-9]\d{{7,14}}(?!\w)"
)

# French national numbers: 0X XX XX XX XX, one separator throughout.
FRENCH_PHONE_RE = re.compile(rf"(?<![\w+.,])(?<!\d{_SPACE})0[1-9]({_SEP})\d{{2}}(?:\1\d{{2}}){{3}}(?![\w]|[.,\-]\d)")

# A civic number: 12, 12A, 12-14, 12 bis.
_NUMBER = r"(?P<number>\d{1,5})(?:[A-Za-z]|(?:-\d{1,5})|(?:" + _SPACE + r"(?:bis|ter)))?"
# A word of a street's name: capitalized, maybe hyphenated (Sainte-Catherine).
_CAPITALIZED = r"[A-ZÀ-ÖØ-Þ][\w’'\-]*"

# English: the street's name, then its type ("123 Main Street"). Types that
# are common in other phrases ("Ontario Court", "Death Row") are left out.
_ENGLISH_TYPES = (
    r"(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Boulevard|Blvd\.?|Drive|Dr\.?|Lane|Ln\.?"
    r"|Crescent|Cres\.?|Place|Pl\.?|Terrace|Parkway|Pkwy\.?)"
)
ENGLISH_ADDRESS_RE = re.compile(
    rf"(?<![\w.,/\-]){_NUMBER}{_SPACE}+"
    rf"(?:(?:St\.|{_CAPITALIZED}|\d{{1,3}}(?:st|nd|rd|th)){_SPACE}+){{1,4}}"
    rf"{_ENGLISH_TYPES}(?![\w’'])"
    rf"(?:{_SPACE}+(?:North|South|East|West)\b)?"
)

# French: the type, then the name ("45, rue Sainte-Catherine Ouest").
_FRENCH_TYPES = (
    r"(?i:rue|avenue|av\.|boulevard|boul\.?|bd\.?|chemin|ch\.|place|route|rang|allée|impasse"
    r"|côte|montée|promenade|quai|croissant|terrasse|carré)"
)
_PARTICLE = r"(?:(?:de" + _SPACE + r"la|du|des|de|la|le|les)" + _SPACE + r"+|(?:de" + _SPACE + r"l|d)['’])"
FRENCH_ADDRESS_RE = re.compile(
    rf"(?<![\w.,/\-]){_NUMBER},?{_SPACE}+{_FRENCH_TYPES}{_SPACE}+"
    rf"{_PARTICLE}?{_CAPITALIZED}(?:{_SPACE}+{_PARTICLE}?{_CAPITALIZED}){{0,3}}"
)

# Where phone numbers and addresses are not looked for: URLs, Markdown link
# targets and citation keys.
_IGNORED_RE = re.compile(
    r"(?:https?|ftp)://[^\s<>()\[\]]+|www\.[^\s<>()\[\]]+|\]\([^)\s]*\)|\[@[^\]]*\]",
    re.IGNORECASE,
)

_PATTERNS = (
    (Kind.EMAIL, EMAIL_RE),
    (Kind.PHONE, NANP_RE),
    (Kind.PHONE, INTERNATIONAL_RE),
    (Kind.PHONE, FRENCH_PHONE_RE),
    (Kind.ADDRESS, FRENCH_ADDRESS_RE),
    (Kind.ADDRESS, ENGLISH_ADDRESS_RE),
)


@dataclass(frozen=True)
class Hit:
    """One match in a text: its kind and where it is."""

    kind: str
    start: int
    end: int
    text: str


def _looks_like_an_amount(match, text) -> bool:
    """+15 000 000 $: an international "number" that is a signed amount."""
    groups = re.split(_SEP + "+", match.group(0).strip("+"))
    thousands = len(groups) > 1 and all(len(group) == 3 for group in groups[1:])
    followed_by_unit = re.match(r"[ \u00a0\u202f]*[$%€£¢]", text[match.end() :]) is not None
    return thousands or followed_by_unit


def _plausible(kind, match, text) -> bool:
    if match.re is INTERNATIONAL_RE:
        digits = sum(char.isdigit() for char in match.group(0))
        return 8 <= digits <= 15 and not _looks_like_an_amount(match, text)
    if kind == Kind.ADDRESS:
        number = int(match.group("number"))
        return not (len(match.group("number")) == 4 and 1900 <= number <= 2099)
    return True


def detect(text: str) -> list[Hit]:
    """What looks like personal data in ``text``, in the order it comes.

    Where two patterns match overlapping text, the earlier and longer match
    wins (an e-mail address with digits in it is not also a phone number).
    """
    if not text:
        return []
    ignored = [(m.start(), m.end()) for m in _IGNORED_RE.finditer(text)]
    candidates = []
    for priority, (kind, pattern) in enumerate(_PATTERNS):
        for match in pattern.finditer(text):
            start, end = match.span()
            if kind != Kind.EMAIL and any(start < stop and begin < end for begin, stop in ignored):
                continue
            if _plausible(kind, match, text):
                candidates.append((start, -(end - start), priority, Hit(kind, start, end, match.group(0))))
    hits = []
    for _start, _length, _priority, hit in sorted(candidates, key=lambda c: c[:3]):
        if hits and hit.start < hits[-1].end:
            continue
        hits.append(hit)
    return hits


# For a version ------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """Likely personal data in one field of a version, in one language."""

    kind: str
    field: str  # as the review screen names it: "Narrative", "Harm 2: description"
    language: str
    match: str
    before: str  # the excerpt: before + match + after
    after: str

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label

    @property
    def excerpt(self) -> str:
        return f"{self.before}{self.match}{self.after}"


def _squeeze(text):
    return re.sub(r"\s+", " ", text)


def excerpt(text: str, hit: Hit, context: int = EXCERPT_CONTEXT) -> tuple[str, str]:
    """The text around ``hit``: (before, after), cut at a space about
    ``context`` characters away, with "…" where it was cut, on one line."""
    start = max(0, hit.start - context)
    if start > 0:
        space = re.search(r"\s", text[start : hit.start])
        start = start + space.end() if space else start
    end = min(len(text), hit.end + context)
    if end < len(text):
        spaces = list(re.finditer(r"\s", text[hit.end : end]))
        end = hit.end + spaces[-1].start() if spaces else end
    before = _squeeze(text[start : hit.start]).lstrip()
    after = _squeeze(text[hit.end : end]).rstrip()
    return ("…" if start > 0 else "") + before, after + ("…" if end < len(text) else "")


def _field_findings(obj, name, field_label):
    found = []
    for code in LANGUAGE_CODES:
        text = getattr(obj, f"{name}_{code}", None) or ""
        for hit in detect(text):
            before, after = excerpt(text, hit)
            found.append(Finding(hit.kind, field_label, code, hit.text, before, after))
    return found


def findings(version: RecordVersion) -> list[Finding]:
    """Likely personal data in every translated text of ``version`` and of
    its parts, in both languages: the version's own fields first, then the
    parts in the record page's order, each numbered from 1 by its position.

    Parts are read with ``<related name>.all()``: prefetch them first
    (``review.REVIEW_PREFETCHES``) and this costs no query.
    """
    found = []
    for name in RecordVersion.TRANSLATED_FIELDS:
        label = capfirst(RecordVersion._meta.get_field(name).verbose_name)
        found += _field_findings(version, name, label)
    for model in VERSION_PART_MODELS:
        if not model.TRANSLATED_FIELDS:
            continue
        accessor = model._meta.get_field("version").remote_field.get_accessor_name()
        for position, part in enumerate(getattr(version, accessor).all(), start=1):
            for name in model.TRANSLATED_FIELDS:
                label = gettext("%(part)s %(position)s: %(field)s") % {
                    "part": capfirst(model._meta.verbose_name),
                    "position": position,
                    "field": model._meta.get_field(name).verbose_name,
                }
                found += _field_findings(part, name, label)
    return found
