"""
What every import format shares: the rows a format reads, and how one row
becomes a draft record.

A format (``imports.formats``) reads a file into ``ImportRow``s, each with
the line it starts on and its id in the other database, or a ``RowError``
saying why that line is refused. ``RecordWriter`` writes each row in a
transaction of its own, so a refused row leaves nothing behind:

- a record already holding the row's external id (in any of its versions,
  whatever their state) is reported unchanged and never touched;
- otherwise ``workflow.create_record`` makes the record and its first draft
  (as the importing user, who must be allowed to; the importer never
  submits or publishes), then the draft's parts are added: its external id,
  entities with their roles, citations of its sources, classifications and
  jurisdictions;
- entities are found by slug and sources by URL, and created when missing;
- every row is checked with ``full_clean()`` before it is saved, so a bad
  URL or an over-long title is refused with the line it came from, in the
  user's language; saving goes through the models' ``save()``, which cleans
  the text (``core.text``) and writes the edit history, with the importing
  user as its author.
"""

import enum
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.text import clean_instance_text
from evidence.models import Source, SourceType
from incidents.models import (
    Citation,
    Classification,
    DatePrecision,
    EntityRole,
    ExternalId,
    Jurisdiction,
    Kind,
    Record,
    RecordVersion,
)
from incidents.publishing import workflow
from taxonomy.models import Entity, EntityKind, Term


class Bilingual(NamedTuple):
    """A text we write ourselves, in English and French."""

    en: str
    fr: str


class RowError(Exception):
    """Why a row is refused, in the user's language (without its line)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


@dataclass
class EntityRef:
    """An entity the row names, with its role."""

    slug: str
    name: str
    role: str
    kind: str = EntityKind.ORGANIZATION


@dataclass
class SourceRef:
    """A source the row links to, and how the draft cites it."""

    url: str
    title: str
    publisher: Bilingual
    key: str
    label: Bilingual
    corroborates: Bilingual
    source_type: str = SourceType.OTHER
    language: str = "en"


@dataclass
class ImportRow:
    """One record to import, as a format read it."""

    line: int
    database: str  # an ExternalDatabase value
    external_id: str
    title: str
    summary: str
    narrative: str = ""
    kind: str = Kind.INCIDENT
    occurred_on: date | None = None
    occurred_until: date | None = None
    precision: str = DatePrecision.DAY
    ai_system: str = ""
    # The day the database published the record, if it says.
    published_elsewhere_on: date | None = None
    entities: list[EntityRef] = field(default_factory=list)
    sources: list[SourceRef] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    # Said about the row without refusing it (a classification left out).
    notes: list[str] = field(default_factory=list)


@dataclass
class RefusedRow:
    """A line a format could not read into a record."""

    line: int
    message: str


class Result(enum.StrEnum):
    CREATED = "created"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


@dataclass
class Outcome:
    line: int
    result: Result
    public_id: str = ""
    message: str = ""
    notes: list[str] = field(default_factory=list)


def find_imported(database, value) -> Record | None:
    """The record one of whose versions holds this external id, if any."""
    return (
        Record.objects.filter(versions__external_ids__database=database, versions__external_ids__value=value)
        .order_by("pk")
        .first()
    )


def validation_message(error: ValidationError, model, what="") -> str:
    """A ValidationError as one line: "what: field: message"."""
    parts = []
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            text = " ".join(messages)
            if name != NON_FIELD_ERRORS:
                try:
                    label = capfirst(model._meta.get_field(name).verbose_name)
                except Exception:  # noqa: BLE001 (a name that is not a field: say it as it is)
                    label = name
                text = f"{label}: {text}"
            parts.append(text)
    else:
        parts = list(error.messages)
    message = "; ".join(parts)
    return f"{what}: {message}" if what else message


class RecordWriter:
    """Writes import rows as draft records, as ``user``, one transaction each.

    With ``dry_run`` every row is written and checked exactly as it would
    be, then rolled back: the report is the real one, and nothing stays.
    """

    def __init__(self, user, dry_run=False):
        self.user = user
        self.dry_run = dry_run
        # Reference rows found or created by earlier rows of this run.
        self._entities: dict[str, Entity] = {}
        self._sources: dict[str, Source] = {}
        # Those created by the row being written: forgotten if it rolls back.
        self._new_entities: list[str] = []
        self._new_sources: list[str] = []
        # External ids written by this run (a dry run finds none in the database).
        self._seen: dict[tuple[str, str], str] = {}

    def write(self, row: ImportRow) -> Outcome:
        self._new_entities, self._new_sources = [], []
        key = (row.database, row.external_id)
        if key in self._seen:
            return Outcome(row.line, Result.UNCHANGED, self._seen[key], notes=row.notes)
        kept = False
        try:
            with transaction.atomic():
                existing = find_imported(row.database, row.external_id)
                if existing is not None:
                    return Outcome(row.line, Result.UNCHANGED, existing.public_id, notes=row.notes)
                version = self._create(row)
                public_id = version.record.public_id
                if self.dry_run:
                    transaction.set_rollback(True)
                else:
                    kept = True
        except RowError as error:
            return Outcome(row.line, Result.REFUSED, message=error.message)
        except ValidationError as error:
            return Outcome(row.line, Result.REFUSED, message=validation_message(error, RecordVersion))
        except DatabaseError as error:
            # A value the checks let through and the database refuses.
            return Outcome(
                row.line,
                Result.REFUSED,
                message=_("the database refused the row: %(error)s") % {"error": str(error).strip()},
            )
        finally:
            if not kept:
                for slug in self._new_entities:
                    self._entities.pop(slug, None)
                for url in self._new_sources:
                    self._sources.pop(url, None)
        self._seen[key] = public_id
        return Outcome(row.line, Result.CREATED, public_id, notes=row.notes)

    # One row --------------------------------------------------------------------

    def _create(self, row: ImportRow) -> RecordVersion:
        draft = RecordVersion(
            title_en=row.title,
            summary_en=row.summary,
            narrative_en=row.narrative or row.summary,
            ai_system_en=row.ai_system,
            occurred_on=row.occurred_on,
            occurred_until=row.occurred_until,
            occurrence_precision=row.precision,
            published_elsewhere_on=row.published_elsewhere_on,
        )
        for name in ("title_en", "summary_en"):
            if not (getattr(draft, name) or "").strip():
                raise RowError(
                    _("%(field)s: this field is required.")
                    % {"field": capfirst(RecordVersion._meta.get_field(name).verbose_name)}
                )
        # The untranslated names ("title") read the active language's column:
        # the English ones (title_en…) are checked instead. The date rules of
        # the constraints are clean()'s too (and the database's).
        self._check(
            draft, _("record"), exclude=["record", *RecordVersion.TRANSLATED_FIELDS], validate_constraints=False
        )
        version = workflow.create_record(kind=row.kind, by=self.user, draft=draft)

        external = ExternalId(version=version, database=row.database, value=row.external_id)
        self._check(external, capfirst(ExternalId._meta.verbose_name), exclude=["version"], validate_constraints=False)
        self._save(external)  # its save() fills in the link
        entities = self._entities_for(row.entities)
        sources = self._sources_for(row.sources)
        self._add_parts(
            [
                EntityRole(version=version, order=order, entity=entities[ref.slug], role=ref.role)
                for order, ref in enumerate(row.entities)
            ]
        )
        self._add_parts(
            [
                Citation(
                    version=version,
                    order=order,
                    source=sources[ref.url],
                    key=ref.key,
                    label_en=ref.label.en,
                    label_fr=ref.label.fr,
                    corroborates_en=ref.corroborates.en,
                    corroborates_fr=ref.corroborates.fr,
                    # The first source the other database lists.
                    is_primary=order == 0,
                )
                for order, ref in enumerate(row.sources)
            ]
        )
        self._add_parts(
            [Classification(version=version, order=order, term=term) for order, term in enumerate(row.terms)]
        )
        self._add_parts(
            [Jurisdiction(version=version, order=order, country=country) for order, country in enumerate(row.countries)]
        )
        return version

    def _add_parts(self, parts):
        """Check, then create the parts of one kind at once, with their history."""
        if not parts:
            return
        model = type(parts[0])
        for part in parts:
            # The related rows were just found or created: no need to look
            # them up again; the parts' uniqueness is the formats' to keep.
            self._check(
                part,
                capfirst(model._meta.verbose_name),
                exclude=["version", "entity", "source", "term", *model.TRANSLATED_FIELDS],
                validate_constraints=False,
            )
        self._bulk_create(model, parts)

    def _bulk_create(self, model, objs):
        # bulk_create skips save() and so the pre_save text cleaning.
        for obj in objs:
            clean_instance_text(model, obj)
        bulk_create_with_history(objs, model, default_user=self.user)

    def _entities_for(self, refs) -> dict[str, Entity]:
        """{slug: Entity} for ``refs``: found by slug, created when missing."""
        wanted = {ref.slug for ref in refs} - self._entities.keys()
        if wanted:
            self._entities.update(Entity.objects.in_bulk(wanted, field_name="slug"))
        new = {}
        for ref in refs:
            if ref.slug in self._entities or ref.slug in new:
                continue
            entity = Entity(slug=ref.slug, name_en=ref.name, kind=ref.kind)
            self._check(entity, _("entity “%(slug)s”") % {"slug": ref.slug}, exclude=["name"], validate_unique=False)
            new[ref.slug] = entity
        if new:
            self._bulk_create(Entity, list(new.values()))
            self._entities.update(new)
            self._new_entities.extend(new)
        return {ref.slug: self._entities[ref.slug] for ref in refs}

    def _sources_for(self, refs) -> dict[str, Source]:
        """{url: Source} for ``refs``: an existing source with the same URL
        is reused (the oldest, if several have it); others are created."""
        wanted = {ref.url for ref in refs} - self._sources.keys()
        if wanted:
            for source in Source.objects.filter(url__in=wanted).order_by("-pk"):
                self._sources[source.url] = source
        new = {}
        for ref in refs:
            if ref.url in self._sources or ref.url in new:
                continue
            source = Source(
                url=ref.url,
                title=ref.title,
                publisher_en=ref.publisher.en,
                publisher_fr=ref.publisher.fr,
                source_type=ref.source_type,
                language=ref.language,
            )
            self._check(source, _("source “%(url)s”") % {"url": ref.url}, exclude=["publisher"])
            new[ref.url] = source
        if new:
            self._bulk_create(Source, list(new.values()))
            self._sources.update(new)
            self._new_sources.extend(new)
        return {ref.url: self._sources[ref.url] for ref in refs}

    def _check(self, obj, what, **options):
        try:
            obj.full_clean(**options)
        except ValidationError as error:
            raise RowError(validation_message(error, type(obj), what)) from error

    def _save(self, obj):
        # The importing user is the author in the edit history.
        obj._history_user = self.user
        obj.save()
        return obj
