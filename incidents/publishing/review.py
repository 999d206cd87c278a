"""
What a reviewer reads before deciding on a version: what changed since the
version it would replace, which French texts are missing or stale, what
looks like personal data (``privacy.py``), the checklists, and the
sign-offs of each review round.

The decisions themselves are written by ``workflow.sign_off`` only; the
screen that shows all this is ``admin/review.py``.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils import translation
from django.utils.translation import gettext

from core.i18n import LANGUAGE_CODES, Localized, labelled
from incidents import diff, pins
from incidents.models import (
    PUBLIC_STATUSES,
    ROUND_STARTS,
    Check,
    ChecklistItem,
    Citation,
    HazardLink,
    PolicyRecommendation,
    RecordVersion,
    SignOff,
    SignOffAnswer,
    Status,
    WorkflowEvent,
)
from incidents.public.record_page import AUTHORITIES, PART_PREFETCHES
from incidents.publishing import privacy

# The parts of both versions, one query per kind. Unlike the public page,
# hazard links are all loaded: a reviewer must see a link to a hazard that
# is not published yet (readers will not, until it is).
REVIEW_PREFETCHES = (
    *(
        prefetch
        if prefetch.prefetch_to != "hazard_links"
        else Prefetch("hazard_links", queryset=HazardLink.objects.select_related("hazard"))
        for prefetch in PART_PREFETCHES
    ),
    AUTHORITIES,
)


def baseline(version) -> RecordVersion | None:
    """The version this one is compared with: for a version on its way to
    publication, the record's live version (what readers see today); for a
    published or superseded one, the version it replaced. None for a
    record's first version."""
    if version.status in PUBLIC_STATUSES:
        if not version.number or version.number == 1:
            return None
        return RecordVersion.objects.filter(record_id=version.record_id, number=version.number - 1).first()
    if version.record.live_version_id is None:
        return None
    return RecordVersion.objects.get(pk=version.record.live_version_id)


# What changed ------------------------------------------------------------------


@dataclass
class SectionInLanguages:
    """One section of the comparison, as read in English and in French."""

    key: str
    label: str
    by_language: dict  # language code -> diff.ReaderSection

    def languages(self):
        return [(code, self.by_language[code]) for code in LANGUAGE_CODES]


@dataclass
class StaleText:
    section: str
    label: str
    item: Localized | None  # the child row the text belongs to, if any


@dataclass
class FieldInLanguages:
    label: str
    texts: list  # [(code, text)] in LANGUAGE_CODES order


@dataclass
class PartList:
    label: str
    count: int
    columns: list  # [(code, [Localized, one per row])] in LANGUAGE_CODES order


@dataclass
class Comparison:
    baseline: RecordVersion | None
    sections: list[SectionInLanguages] = field(default_factory=list)
    stale: list[StaleText] = field(default_factory=list)
    # For a first version, nothing to compare with: its own fields and parts.
    fields: list[FieldInLanguages] = field(default_factory=list)
    parts: list[PartList] = field(default_factory=list)


def compare(version, lang) -> Comparison:
    """What changed from the baseline to ``version``, in both languages, for
    a reader of the admin in ``lang``; for a first version, its content."""
    base = baseline(version)
    versions = [v for v in (base, version) if v is not None]
    prefetch_related_objects(versions, *REVIEW_PREFETCHES)
    # Reference rows as each version's reviewers saw (or, for a draft, will see) them.
    pins.apply(versions)
    if base is None:
        return Comparison(None, fields=_fields(version), parts=_parts(version))
    sections = diff.compare_versions(base, version)
    by_language = {}
    for code in LANGUAGE_CODES:
        # Dates and choice labels in the column's own language.
        with translation.override(code):
            by_language[code] = diff.for_reader(sections, base, version, code)
    arranged = [
        SectionInLanguages(section.key, section.label, {code: by_language[code][i] for code in LANGUAGE_CODES})
        for i, section in enumerate(sections)
    ]
    stale = _stale_texts(diff.stale_translations(base, version, sections=sections), lang)
    return Comparison(base, arranged, stale)


def _fields(version):
    """The version's own fields in both languages: its texts, then the
    record details (dates, severity, verification level…), each shown as
    a reader of that language reads it."""
    texts = [
        FieldInLanguages(
            version._meta.get_field(name).verbose_name,
            [(code, getattr(version, f"{name}_{code}") or "") for code in LANGUAGE_CODES],
        )
        for name in RecordVersion.TRANSLATED_FIELDS
    ]
    details = []
    for section in diff.SECTIONS:
        for name in section.fields:
            if name in RecordVersion.TRANSLATED_FIELDS:
                continue
            model_field = version._meta.get_field(name)
            values = []
            for code in LANGUAGE_CODES:
                with translation.override(code):
                    values.append((code, str(diff.display_value(getattr(version, name), model_field, code))))
            details.append(FieldInLanguages(model_field.verbose_name, values))
    return texts + details


def _parts(version):
    lists = []
    for section in diff.SECTIONS:
        if not section.parts:
            continue
        # A recommendation's further authorities are listed with it.
        rows = list(getattr(version, section.parts[0].related_name).all())
        columns = [(code, [_part_label(row, code) for row in rows]) for code in LANGUAGE_CODES]
        lists.append(PartList(section.label, len(rows), columns))
    return lists


def _part_label(row, code):
    """A part as the first version's table lists it; a citation with its key
    and, for the primary one, the flag."""
    label = diff.describe(row, code)
    if isinstance(row, PolicyRecommendation):
        authorities = row.authorities()
        if authorities:
            names = [diff.describe(authority, code).text for authority in authorities]
            with translation.override(code):
                credit = labelled(gettext("Recommended by"), ", ".join(names))
            return Localized(f"{label.text} ({credit})", label.lang, label.is_fallback)
    if isinstance(row, Citation):
        with translation.override(code):
            primary = f" ({gettext('primary source')})" if row.is_primary else ""
        return Localized(f"[@{row.key}] {label.text}{primary}", label.lang, label.is_fallback)
    return label


# French left stale ---------------------------------------------------------------


def _stale_texts(entries, lang):
    return [
        StaleText(
            diff.SECTION_LABELS[entry.section],
            entry.label,
            diff.describe(entry.item, lang) if entry.item is not None else None,
        )
        for entry in entries
    ]


def stale_french(version, lang=None) -> list[StaleText]:
    """The French texts of ``version`` left as they were while their English
    changed since its baseline (the version it would replace, or replaced).
    The version editor, the work queues and the publish page show these
    beside the missing ones; the template
    ``admin/incidents/recordversion/_stale_french.html`` lists them."""
    return stale_french_of([version], lang).get(version.pk, [])


def stale_french_of(versions, lang=None) -> dict[int, list[StaleText]]:
    """``stale_french`` for many versions at a fixed cost: the baselines in
    one query and each kind of part in one, whatever the number of versions
    (none at all when no version has a baseline). {version pk: [StaleText]};
    versions with nothing stale are left out."""
    versions = list(versions)
    live_ids = {
        v.record.live_version_id
        for v in versions
        if v.status not in PUBLIC_STATUSES and v.record.live_version_id and v.record.live_version_id != v.pk
    }
    previous = {(v.record_id, v.number - 1) for v in versions if v.status in PUBLIC_STATUSES and (v.number or 0) > 1}
    if not live_ids and not previous:
        return {}
    wanted = Q(pk__in=live_ids)
    for record_id, number in previous:
        wanted |= Q(record_id=record_id, number=number)
    bases = list(RecordVersion.objects.filter(wanted))
    by_pk = {base.pk: base for base in bases}
    by_number = {(base.record_id, base.number): base for base in bases}

    def base_of(version):
        if version.status in PUBLIC_STATUSES:
            return by_number.get((version.record_id, (version.number or 0) - 1))
        return by_pk.get(version.record.live_version_id) if version.record.live_version_id != version.pk else None

    pairs = [(base, version) for version in versions if (base := base_of(version)) is not None]
    compared = [version for pair in pairs for version in pair]
    # Prefetched again, even on versions that have their parts: a version
    # listed twice (in two queues) is the same work once.
    prefetch_related_objects(list({id(v): v for v in compared}.values()), *REVIEW_PREFETCHES)
    stale = {}
    for base, version in pairs:
        entries = diff.stale_translations(base, version)
        if entries:
            stale[version.pk] = _stale_texts(entries, lang)
    return stale


# Personal data -------------------------------------------------------------------


def personal_data(version) -> list[privacy.Finding]:
    """What looks like personal data in the version's texts and its parts',
    in both languages: hints for the reviewer. The parts are those loaded
    for the comparison (``compare``): no query when it ran first."""
    prefetch_related_objects([version], *REVIEW_PREFETCHES)
    return privacy.findings(version)


# Checklists ------------------------------------------------------------------------


def checklist(check):
    """The active items of a check's checklist, in order."""
    return list(ChecklistItem.objects.filter(check_type=check, active=True).order_by("order", "id"))


def checklists() -> dict:
    """Both checklists in one query: {check: [items]}."""
    items = {check: [] for check in Check.values}
    for item in ChecklistItem.objects.filter(active=True).order_by("order", "id"):
        items[item.check_type].append(item)
    return items


# Review rounds -------------------------------------------------------------------


@dataclass
class Round:
    """One review round: from a submission to the next."""

    number: int
    submitted: WorkflowEvent | None
    sign_offs: list[SignOff]
    current: bool


def rounds(version) -> list[Round]:
    """The version's review rounds, oldest first, each with its sign-offs.

    Each submission starts a round. The latest round is current while the
    version is in review, approved, has changes requested or is published;
    a version taken back to draft has no current round.
    """
    submissions = list(
        version.events.filter(action__in=ROUND_STARTS).select_related("actor").order_by("created_at", "id")
    )
    sign_offs = list(
        version.sign_offs.select_related("reviewer")
        .prefetch_related(Prefetch("answers", queryset=SignOffAnswer.objects.order_by("id")))
        .order_by("created_at", "id")
    )
    result = [Round(n, event, [], False) for n, event in enumerate(submissions, start=1)] or [Round(1, None, [], False)]
    for sign_off in sign_offs:
        target = result[0]
        for round_ in result:
            if round_.submitted is not None and round_.submitted.created_at <= sign_off.created_at:
                target = round_
        target.sign_offs.append(sign_off)
    if submissions and version.status != Status.DRAFT:
        result[-1].current = True
    return result


def current_sign_offs(version_rounds) -> dict:
    """{check: the latest sign-off of that check in the current round}."""
    current = [round_ for round_ in version_rounds if round_.current]
    found = {}
    for sign_off in current[0].sign_offs if current else []:
        found[sign_off.check_type] = sign_off
    return found
