"""
What changed between two versions of a record, section by section.

Two screens need this: the public "changes" page (v1 against v2) and the
editorial review (a draft against the live version, to show a reviewer what
they are signing off). Both call ``compare_versions(old, new)``, which returns
one ``SectionChange`` per section of the record page that differs, in the
page's order. Nothing here queries more than the versions' parts: prefetch
them (``incidents.public.record_page.prefetch_parts``) to compare at a fixed cost.

Translated fields are compared in every language separately, so each
``FieldChange`` says which language changed. ``stale_translations()`` uses
that to find French text left untouched while its English changed.

Children are matched across versions by what identifies them to a reader,
not by primary key (a revision copies every part into new rows):
citations by source, entity roles by entity and role, classifications by
term, hazard links by hazard, jurisdictions by country; harms and policy
recommendations have no such identity and are matched by position.

The display-order field ``order`` is not compared: reordering is not a
change of content that readers or reviewers need to weigh.
"""

import difflib
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.i18n import LANGUAGE_CODES, Localized, current_language, date_format, labelled, localized, starts_with_vowel

from .models import (
    Citation,
    Classification,
    EntityResponse,
    EntityRole,
    Harm,
    HazardLink,
    Jurisdiction,
    PolicyRecommendation,
    RecommendationAuthority,
    Record,
    RecordVersion,
)

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"


@dataclass(frozen=True)
class FieldChange:
    """One field whose value differs. ``lang`` is set for a translated field
    (one FieldChange per language that changed) and None otherwise.
    ``old``/``new`` are the stored values (related objects for foreign keys)."""

    name: str
    label: str
    lang: str | None
    old: Any
    new: Any


@dataclass(frozen=True)
class ItemChange:
    """A child row (harm, citation, …) added, removed, or changed."""

    action: str
    old: models.Model | None
    new: models.Model | None
    fields: tuple[FieldChange, ...] = ()

    @property
    def item(self):
        """The row as it is now (or as it was, if removed)."""
        return self.new if self.new is not None else self.old


@dataclass(frozen=True)
class SectionChange:
    """Everything that changed in one section of the record page."""

    key: str
    label: str
    fields: tuple[FieldChange, ...] = ()
    items: tuple[ItemChange, ...] = ()

    def languages(self) -> set[str]:
        """Languages whose text changed somewhere in this section."""
        changes = [*self.fields, *(f for item in self.items for f in item.fields)]
        return {change.lang for change in changes if change.lang}

    def items_by_action(self, action):
        return [item for item in self.items if item.action == action]


# What to compare --------------------------------------------------------


def _key_by(*attnames) -> Callable:
    return lambda row: tuple(getattr(row, name) for name in attnames)


def _country_key(row):
    return (row.country.code,)


def _recommendation_rank_and_entity(row):
    # Recommendations are matched by position, so their further authorities
    # are matched by their recommendation's position and the entity (the
    # version's recommendations are prefetched with it: no query).
    ranks = [recommendation.pk for recommendation in row.version.recommendations.all()]
    return (ranks.index(row.recommendation_id), row.entity_id)


@dataclass(frozen=True)
class _Parts:
    related_name: str
    fields: tuple[str, ...]
    # None: match by position (the n-th old row with the n-th new row).
    key: Callable | None


@dataclass(frozen=True)
class _Section:
    key: str
    label: str
    fields: tuple[str, ...] = ()
    parts: tuple[_Parts, ...] = ()


# What a record page shows of a cited source. Reference rows are shown as
# the version's reviewers saw them (incidents/pins.py), so a correction to a
# source between two versions shows here like any other change.
SOURCE_FIELDS = ("title", "publisher", "authors", "published_on", "url", "archived_url")

# The record page's sections, in its order. The change note is not compared:
# each version has its own, by design.
SECTIONS = (
    _Section("title", _("Title"), ("title",)),
    _Section("summary", _("Summary"), ("summary",)),
    _Section(
        "record_details",
        _("Record details"),
        (
            "verification_level",
            "severity",
            "occurrence_precision",
            "occurred_on",
            "occurred_until",
            "first_reported_on",
            "ai_system",
        ),
        (_Parts("jurisdictions", ("region",), _country_key),),
    ),
    _Section(
        "external_ids",
        _("In other databases"),
        parts=(_Parts("external_ids", ("url",), _key_by("database", "value")),),
    ),
    _Section("narrative", _("Narrative"), ("narrative",)),
    _Section("materialized_from", _("Materialized from"), parts=(_Parts("hazard_links", (), _key_by("hazard_id")),)),
    _Section(
        "harms",
        _("Harms"),
        parts=(_Parts("harms", ("description", "harm_type", "harm_type.name", "severity", "affected_group"), None),),
    ),
    _Section(
        "evidence",
        _("Evidence"),
        parts=(
            _Parts(
                "citations",
                ("key", "label", "corroborates", "is_primary", *(f"source.{name}" for name in SOURCE_FIELDS)),
                _key_by("source_id"),
            ),
        ),
    ),
    _Section(
        "recommendations",
        _("Policy recommendations"),
        ("recommendations_status",),
        (
            _Parts(
                "recommendations",
                (
                    "text",
                    "authority",
                    "authority.name",
                    "authority.url",
                    "source",
                    *(f"source.{name}" for name in SOURCE_FIELDS),
                    "attribution",
                    "status",
                ),
                None,
            ),
            # Further authorities of a joint recommendation: one added or
            # removed is a change of whom the recommendation is credited to.
            _Parts(
                "recommendation_authorities",
                ("entity.name", "entity.url"),
                _recommendation_rank_and_entity,
            ),
        ),
    ),
    _Section("editorial_assessment", _("Editorial assessment"), ("editorial_assessment", "assessment_status")),
    _Section(
        "entities",
        _("Entities involved"),
        parts=(_Parts("entity_roles", ("note", "entity.name", "entity.url"), _key_by("entity_id", "role")),),
    ),
    # Right of reply: one section for every response, matched by entity
    # (an entity's second response matches its second), so that a corrected
    # date or text shows as a change of the response.
    _Section(
        "responses",
        _("Responses from entities"),
        parts=(_Parts("responses", ("text", "responded_on", "url", "entity.name"), _key_by("entity_id")),),
    ),
    _Section(
        "taxonomy",
        _("Taxonomy"),
        ("taxonomy_status",),
        (_Parts("classifications", ("term.name", "term.taxonomy.name"), _key_by("term_id")),),
    ),
    # Marking a record as a duplicate of another (or no longer one) is
    # reviewed like any change: the review screen shows it here.
    _Section("duplicate", _("Duplicate"), ("duplicate_of",)),
)
SECTION_LABELS = {section.key: section.label for section in SECTIONS}


# Comparing ---------------------------------------------------------------


def _normalized_text(value):
    # Browsers submit textareas with CRLF line ends, and the admin strips
    # surrounding blanks: re-saving an untouched text must not count as a
    # change, or every revision would look like a rewrite.
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _translated(obj, name) -> bool:
    names = {f.name for f in type(obj)._meta.fields}
    return all(f"{name}_{lang}" in names for lang in LANGUAGE_CODES)


def _walk(obj, name):
    """("source.url" on a citation) -> (the citation's source, "url"); the
    object is None where the path is empty."""
    *path, attname = name.split(".")
    for step in path:
        obj = getattr(obj, step, None) if obj is not None else None
    return obj, attname


def _label(model, name):
    """ "Source: URL" for "source.url" on a citation; the field's own name otherwise."""
    *path, attname = name.split(".")
    labels = []
    for step in path:
        relation = model._meta.get_field(step)
        labels.append(str(relation.verbose_name))
        model = relation.related_model
    field_label = model._meta.get_field(attname).verbose_name
    if not labels:
        return field_label
    # "Source : URL" in French: each colon as the active language writes it.
    label = capfirst(labels[0])
    for step_label in [*labels[1:], field_label]:
        label = labelled(label, step_label)
    return label


def _compare_fields(old, new, names) -> list[FieldChange]:
    changes = []
    model = type(new if new is not None else old)
    for name in names:
        label = _label(model, name)
        old_obj, attname = _walk(old, name)
        new_obj, _attname = _walk(new, name)
        # A field of a related row (a source's URL) is compared when both
        # show the same row; a change of row is its own change.
        if "." in name and (old_obj is None or new_obj is None or old_obj.pk != new_obj.pk):
            continue
        model_field = type(new_obj)._meta.get_field(attname)
        if _translated(new_obj, attname):
            for lang in LANGUAGE_CODES:
                before = _normalized_text(getattr(old_obj, f"{attname}_{lang}", ""))
                after = _normalized_text(getattr(new_obj, f"{attname}_{lang}", ""))
                if before != after:
                    changes.append(FieldChange(name, label, lang, before, after))
            continue
        if model_field.is_relation:
            if getattr(old_obj, model_field.attname) != getattr(new_obj, model_field.attname):
                changes.append(FieldChange(name, label, None, getattr(old_obj, attname), getattr(new_obj, attname)))
            continue
        before, after = getattr(old_obj, attname), getattr(new_obj, attname)
        if isinstance(model_field, CountryField):
            before, after = before.code, after.code
        elif isinstance(model_field, (models.CharField, models.TextField)) and not model_field.choices:
            before, after = _normalized_text(before), _normalized_text(after)
        if before != after:
            changes.append(FieldChange(name, label, None, before, after))
    return changes


def _keyed(rows, key):
    """Each row under its match key; rows sharing a key are told apart by
    their rank among them (the second "Canada" matches the second "Canada")."""
    seen = defaultdict(int)
    keyed = {}
    for position, row in enumerate(rows):
        base = (position,) if key is None else key(row)
        keyed[(base, seen[base])] = row
        seen[base] += 1
    return keyed


def _compare_parts(old_version, new_version, parts: _Parts) -> list[ItemChange]:
    old_rows = _keyed(list(getattr(old_version, parts.related_name).all()), parts.key)
    new_rows = _keyed(list(getattr(new_version, parts.related_name).all()), parts.key)
    changes = []
    for match_key, new_row in new_rows.items():
        old_row = old_rows.get(match_key)
        if old_row is None:
            changes.append(ItemChange(ADDED, None, new_row))
            continue
        fields = _compare_fields(old_row, new_row, parts.fields)
        if fields:
            changes.append(ItemChange(CHANGED, old_row, new_row, tuple(fields)))
    for match_key, old_row in old_rows.items():
        if match_key not in new_rows:
            changes.append(ItemChange(REMOVED, old_row, None))
    return changes


def compare_versions(old: RecordVersion, new: RecordVersion) -> list[SectionChange]:
    """The sections that differ from ``old`` to ``new``, in page order."""
    sections = []
    for spec in SECTIONS:
        fields = _compare_fields(old, new, spec.fields)
        items = [item for parts in spec.parts for item in _compare_parts(old, new, parts)]
        if fields or items:
            sections.append(SectionChange(spec.key, spec.label, tuple(fields), tuple(items)))
    return sections


# Stale translations --------------------------------------------------------


@dataclass(frozen=True)
class StaleTranslation:
    """A field whose ``source`` text changed while its ``target`` text did not."""

    section: str
    name: str
    label: str
    item: models.Model | None  # the child row, or None for the version's own field


def stale_translations(old, new, *, source="en", target="fr", sections=None) -> list[StaleTranslation]:
    """Fields whose English (``source``) changed but whose French (``target``)
    stayed as it was. A French text that is empty is *missing*, not stale
    (``RecordVersion.missing_french()`` reports those)."""
    sections = compare_versions(old, new) if sections is None else sections
    stale = []

    def collect(section, changes, old_obj, new_obj, item):
        changed = {(change.name, change.lang) for change in changes}
        for change in changes:
            if change.lang != source or (change.name, target) in changed:
                continue
            if _normalized_text(getattr(new_obj, f"{change.name}_{target}", "")):
                stale.append(StaleTranslation(section.key, change.name, change.label, item))

    for section in sections:
        collect(section, section.fields, old, new, None)
        for item in section.items:
            if item.action == CHANGED:
                collect(section, item.fields, item.old, item.new, item.new)
    return stale


# Presenting a change to a reader -------------------------------------------


@dataclass(frozen=True)
class Segment:
    text: str
    changed: bool


@dataclass(frozen=True)
class FieldRow:
    """One field of a change as a reader of ``lang`` sees it.

    ``old``/``new`` are what the page showed before and shows now (English
    marked as untranslated where French is missing). When the reader's text
    did not change but another language's did, ``other_languages`` names
    those languages and ``old``/``new`` are None.
    """

    name: str
    label: str
    old: Localized | None = None
    new: Localized | None = None
    old_segments: tuple[Segment, ...] = ()
    new_segments: tuple[Segment, ...] = ()
    other_languages: tuple[str, ...] = ()

    # Texts are Markdown: a blank line starts a paragraph, shown as one.
    @property
    def old_paragraphs(self):
        return paragraphs(self.old_segments)

    @property
    def new_paragraphs(self):
        return paragraphs(self.new_segments)


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_CITATION = re.compile(r"\[@([^\[\]]+)\]")


def paragraphs(segments) -> list[list[Segment]]:
    """The segments of a text cut at its blank lines, a list per paragraph."""
    result = [[]]
    for segment in segments:
        pieces = _PARAGRAPH_BREAK.split(segment.text)
        for index, piece in enumerate(pieces):
            if index:
                result.append([])
            if piece:
                result[-1].append(Segment(piece, segment.changed))
    return [paragraph for paragraph in result if paragraph]


def readable(text, labels) -> str:
    """``text`` with its inline citations as a reader sees them: "[@rcmp-2025]"
    becomes "(RCMP, 2025)", from ``labels`` ({key: label}; the key when unknown)."""

    def cite(match):
        keys = [key.strip().lstrip("@") for key in match.group(1).split(";")]
        return "(" + "; ".join(labels.get(key) or key for key in keys) + ")"

    return _CITATION.sub(cite, text or "")


_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def word_diff(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    """Both texts cut into runs of words, each marked changed or not."""
    old_tokens, new_tokens = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    before, after = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if i2 > i1:
            _append(before, "".join(old_tokens[i1:i2]), tag != "equal")
        if j2 > j1:
            _append(after, "".join(new_tokens[j1:j2]), tag != "equal")
    return before, after


def _append(segments, text, changed):
    if segments and segments[-1].changed == changed:
        segments[-1] = Segment(segments[-1].text + text, changed)
    else:
        segments.append(Segment(text, changed))


def display_value(value, model_field=None, lang=None) -> Localized:
    """A stored value as a reader of ``lang`` reads it."""
    lang = lang or current_language()
    if value is None or value == "":
        return Localized("—", lang, False)
    if model_field is not None and model_field.choices and not model_field.is_relation:
        return Localized(str(dict(model_field.flatchoices).get(value, value)), lang, False)
    if isinstance(value, bool):
        return Localized(gettext("Yes") if value else gettext("No"), lang, False)
    if hasattr(value, "isoformat"):
        return Localized(date_format(value, "DATE_FORMAT"), lang, False)
    return describe(value, lang)


def describe(obj, lang=None) -> Localized:
    """A short name for a row or a related object, in ``lang``."""
    lang = lang or current_language()
    if isinstance(obj, Harm):
        return localized(obj, "description", lang)
    if isinstance(obj, PolicyRecommendation):
        return localized(obj, "text", lang)
    if isinstance(obj, Citation):
        return Localized(obj.source.title, obj.source.language, False)
    if isinstance(obj, RecommendationAuthority):
        # "RCMP, for: Verify the identity of…": whom, and for which recommendation.
        name, text = localized(obj.entity, "name", lang), localized(obj.recommendation, "text", lang)
        with translation.override(lang):
            label = gettext("%(authority)s, for: %(recommendation)s") % {
                "authority": name.text,
                "recommendation": Truncator(text.text).words(12),
            }
        fallback = name.is_fallback or text.is_fallback
        return Localized(label, text.lang if fallback else lang, fallback)
    if isinstance(obj, EntityResponse):
        # "Response from Clearview AI (March 3, 2026)".
        name = localized(obj.entity, "name", lang)
        with translation.override(lang):
            if starts_with_vowel(name.text):  # « Réponse d’Air Canada »
                label = pgettext("a name starting with a vowel follows", "Response from %(entity)s (%(date)s)")
            else:
                label = gettext("Response from %(entity)s (%(date)s)")
            label = label % {
                "entity": name.text,
                "date": date_format(obj.responded_on, "DATE_FORMAT"),
            }
        return Localized(label, name.lang if name.is_fallback else lang, name.is_fallback)
    if isinstance(obj, EntityRole):
        name = localized(obj.entity, "name", lang)
        with translation.override(lang):
            role = obj.get_role_display()
        return Localized(f"{name.text} ({role})", name.lang, name.is_fallback)
    if isinstance(obj, Classification):
        taxonomy, term = localized(obj.term.taxonomy, "name", lang), localized(obj.term, "name", lang)
        fallback = taxonomy.is_fallback or term.is_fallback
        return Localized(f"{taxonomy.text} › {term.text}", term.lang if fallback else lang, fallback)
    if isinstance(obj, Jurisdiction):
        with translation.override(lang):
            country = str(obj.country.name)
        region = localized(obj, "region", lang)
        if not region.text:
            # A country alone is named in the reader's language: nothing untranslated.
            return Localized(country, lang, False)
        return Localized(f"{country} – {region.text}", region.lang, region.is_fallback)
    if isinstance(obj, HazardLink):
        return describe(obj.hazard, lang)
    if isinstance(obj, Record):
        return Localized(obj.public_id, lang, False)
    if hasattr(obj, "name_en"):  # Entity, Term, Taxonomy
        return localized(obj, "name", lang)
    if hasattr(obj, "title") and hasattr(obj, "language"):  # Source
        return Localized(obj.title, obj.language, False)
    return Localized(str(obj), lang, False)


def field_rows(changes, old_obj, new_obj, lang=None, labels=None) -> list[FieldRow]:
    """The changes of one object (a version, or one child row) as a reader
    of ``lang`` sees them, one row per field, in the order of ``changes``;
    inline citations read through ``labels`` ({key: label}, ``readable``)."""
    lang = lang or current_language()
    labels = labels or {}
    rows, done = [], set()
    for change in changes:
        if change.name in done:
            continue
        done.add(change.name)
        old_owner, attname = _walk(old_obj, change.name)
        new_owner, _attname = _walk(new_obj, change.name)
        model_field = type(new_owner)._meta.get_field(attname)
        if change.lang is None:
            old, new = display_value(change.old, model_field, lang), display_value(change.new, model_field, lang)
        else:
            old, new = localized(old_owner, attname, lang), localized(new_owner, attname, lang)
            if _normalized_text(old.text) == _normalized_text(new.text):
                others = tuple(c.lang for c in changes if c.name == change.name and c.lang)
                rows.append(FieldRow(change.name, change.label, other_languages=others))
                continue
            old = Localized(readable(old.text, labels), old.lang, old.is_fallback)
            new = Localized(readable(new.text, labels), new.lang, new.is_fallback)
        old_segments, new_segments = word_diff(old.text, new.text)
        rows.append(FieldRow(change.name, change.label, old, new, tuple(old_segments), tuple(new_segments)))
    return rows


@dataclass
class ReaderItem:
    action: str
    label: Localized
    rows: list[FieldRow] = field(default_factory=list)


@dataclass
class ReaderSection:
    key: str
    label: str
    rows: list[FieldRow]
    items: list[ReaderItem]


def citation_labels(versions, lang) -> dict:
    """{citation key: its label in ``lang``} over ``versions`` (later ones win)."""
    labels = {}
    for version in versions:
        for citation in version.citations.all():
            labels[citation.key] = localized(citation, "label", lang).text
    return labels


def for_reader(sections, old, new, lang=None) -> list[ReaderSection]:
    """``compare_versions()``'s result arranged for a reader of ``lang``."""
    lang = lang or current_language()
    labels = citation_labels((old, new), lang)
    result = []
    for section in sections:
        items = []
        for item in section.items:
            rows = field_rows(item.fields, item.old, item.new, lang, labels) if item.action == CHANGED else []
            items.append(ReaderItem(item.action, describe(item.item, lang), rows))
        rows = field_rows(section.fields, old, new, lang, labels)
        result.append(ReaderSection(section.key, section.label, rows, items))
    return result
