"""
``--format dossier``: restore our own export (``export_records DIR``) into a
database that does not hold its records.

The export's manifest is read first: its schema version must be one this
code reads, and every file must have the SHA-256 the manifest gives, or
nothing is restored. Then, in one transaction, the reference rows as
published (``terms.csv`` with their taxonomies and external codes,
``entities.csv``, ``sources.csv`` under their own ids, so that their pages
keep their addresses); rows already there (same slug, same id) are kept as
they are. Then each record of ``records.jsonl``, hazards first (incidents
link to them), in a transaction of its own, through
``workflow.restore_record``: every published version with its number, dates,
change notes, parts and the summary of its sign-offs. A record whose id is
already taken is reported unchanged, so a restore that stopped half-way can
be run again.

Only superusers restore (``rules.restore_refusal``): it publishes without a
review here. Known limits (README.md, "Restoring an export"): a redaction's
notice is not restored (its text is, redacted); each restored version shows
the reference rows as the export gives them now, not as they were when an
older version was reviewed, where they differ.
"""

import csv
import hashlib
import json
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from api.export import FILES, SCHEMA_VERSION
from evidence.models import Source
from incidents import rules
from incidents.models import (
    Citation,
    Classification,
    EntityResponse,
    EntityRole,
    ExternalId,
    Harm,
    HazardLink,
    Jurisdiction,
    PolicyRecommendation,
    RecommendationAuthority,
    Record,
)
from incidents.publishing import workflow
from taxonomy.models import Entity, Taxonomy, Term, TermMapping

from .base import Outcome, RefusedRow, Result
from .formats import FormatError, register

LANGS = ("en", "fr")


@dataclass
class RecordLine:
    """One line of records.jsonl: a record and its published versions."""

    line: int
    data: dict


# The files a minor version of the schema added (api/export.py,
# SCHEMA_VERSION): an export of an earlier version lacks them. The restore
# reads records.jsonl, whose lines say the same.
FILES_ADDED_IN = {"recommendation_authorities.csv": (1, 1), "merged.csv": (1, 2), "responses.csv": (1, 3)}


def _schema(version) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return (0, 0)


def _sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _csv(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@register
class DossierExport:
    name = "dossier"
    help = "restore our own export (a directory written by export_records) into an empty database; superusers only"

    def __init__(self, directory, manifest):
        self.directory = directory
        self.manifest = manifest
        self.problems = []
        self.total = manifest["files"]["records.jsonl"]["rows"]

    @classmethod
    def from_options(cls, path, options):
        directory = Path(path)
        try:
            manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        except OSError:
            raise FormatError(
                _("%(path)s holds no manifest.json: give the directory export_records wrote.") % {"path": path}
            ) from None
        except ValueError:
            raise FormatError(_("The export's manifest.json cannot be read.")) from None
        version = str(manifest.get("schema_version", ""))
        if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
            raise FormatError(
                _("This export is of schema version %(found)s; this Dossier reads version %(known)s.")
                % {"found": version or "?", "known": SCHEMA_VERSION}
            )
        files = manifest.get("files") or {}
        for name in FILES:
            if name not in files and _schema(version) < FILES_ADDED_IN.get(name, (0, 0)):
                continue  # a file a later minor version added: not in an older export
            expected = (files.get(name) or {}).get("sha256")
            try:
                found = _sha256(directory / name)
            except OSError:
                raise FormatError(_("The export lacks %(file)s.") % {"file": name}) from None
            if found != expected:
                raise FormatError(
                    _("%(file)s does not have the SHA-256 its manifest gives: the export is damaged or was changed.")
                    % {"file": name}
                )
        return cls(directory, manifest)

    def rows(self):
        lines = []
        with open(self.directory / "records.jsonl", encoding="utf-8") as handle:
            for number, text in enumerate(handle, 1):
                try:
                    lines.append(RecordLine(number, json.loads(text)))
                except ValueError:
                    yield RefusedRow(number, _("this line is not JSON"))
        # Hazards first: incidents link to them ("materialized from").
        lines.sort(key=lambda line: (line.data.get("kind") != "hazard", line.line))
        yield from lines

    def summary_lines(self):
        return []

    @property
    def created_text(self):
        return _("line %(line)d: restored %(record)s with its published versions.")

    @staticmethod
    def user_refusal(user):
        return rules.restore_refusal(user)

    def writer(self, user, dry_run):
        return RestoreWriter(self, user, dry_run)


class RestoreWriter:
    """Restores the reference rows once (``session``), then one record per ``write``."""

    def __init__(self, export, user, dry_run):
        self.export = export
        self.user = user
        self.dry_run = dry_run
        self.terms = {}  # (taxonomy slug, term slug) -> Term

    @contextmanager
    def session(self):
        with transaction.atomic():
            self._restore_references()
            if self.dry_run:
                # Every record is written and checked, then all of it rolled back.
                yield
                transaction.set_rollback(True)
                return
        yield

    # Reference rows -----------------------------------------------------------------

    def _save(self, obj):
        obj.full_clean(validate_unique=False)
        obj._history_user = self.user
        obj.save()
        return obj

    def _restore_references(self):
        directory = self.export.directory
        rows = _csv(directory / "terms.csv")
        taxonomies = {}
        for row in rows:
            slug = row["taxonomy"]
            if slug not in taxonomies:
                taxonomy = Taxonomy.objects.filter(slug=slug).first() or self._save(
                    Taxonomy(
                        slug=slug,
                        order=int(row["taxonomy_order"] or 0),
                        **{f"name_{lang}": row[f"taxonomy_name_{lang}"] for lang in LANGS},
                        **{f"description_{lang}": row[f"taxonomy_description_{lang}"] for lang in LANGS},
                    )
                )
                taxonomies[slug] = taxonomy
        created = []
        for row in rows:
            taxonomy = taxonomies[row["taxonomy"]]
            term = Term.objects.filter(taxonomy=taxonomy, slug=row["term"]).first()
            if term is None:
                term = Term(
                    taxonomy=taxonomy,
                    slug=row["term"],
                    order=int(row["order"] or 0),
                    **{f"name_{lang}": row[f"name_{lang}"] for lang in LANGS},
                    **{f"description_{lang}": row[f"description_{lang}"] for lang in LANGS},
                )
                created.append((term, row))
                self._save(term)
            self.terms[(row["taxonomy"], row["term"])] = term
        for term, row in created:
            if row["parent"]:
                term.parent = self.terms[(row["taxonomy"], row["parent"])]
                self._save(term)
            for code in filter(None, (part.strip() for part in row["codes"].split(" | "))):
                scheme, _colon, rest = code.partition(":")
                value, _equals, label = rest.partition("=")
                self._save(TermMapping(term=term, scheme=scheme, code=value, label=label))
        for row in _csv(directory / "entities.csv"):
            if not Entity.objects.filter(slug=row["slug"]).exists():
                self._save(
                    Entity(
                        slug=row["slug"],
                        kind=row["kind"],
                        url=row["website"],
                        **{f"name_{lang}": row[f"name_{lang}"] for lang in LANGS},
                        **{f"description_{lang}": row[f"description_{lang}"] for lang in LANGS},
                    )
                )
        restored_source = False
        for row in _csv(directory / "sources.csv"):
            if not Source.objects.filter(pk=int(row["id"])).exists():
                restored_source = True
                self._save(
                    Source(
                        pk=int(row["id"]),
                        title=row["title"],
                        language=row["language"],
                        authors=row["authors"],
                        published_on=parse_date(row["published_on"]) if row["published_on"] else None,
                        url=row["url"],
                        archived_url=row["archived_url"],
                        source_type=row["source_type"],
                        **{f"publisher_{lang}": row[f"publisher_{lang}"] for lang in LANGS},
                    )
                )
        if restored_source:
            # Sources keep their ids (their pages' addresses): PostgreSQL's
            # sequence must then start after them.
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [Source]):
                    cursor.execute(sql)

    # Records ------------------------------------------------------------------------

    def write(self, row: RecordLine) -> Outcome:
        data = row.data
        public_id = data.get("id", "")
        if Record.objects.filter(public_id=public_id).exists():
            return Outcome(row.line, Result.UNCHANGED, public_id)
        try:
            with transaction.atomic():
                reviews = defaultdict(list)
                for review in data.get("reviews", []):
                    reviews[review["version"]].append({"check": review["check"], "signed_at": review["signed_at"]})
                versions = [
                    workflow.RestoredVersion(
                        number=shape["version"],
                        published_at=parse_datetime(shape["published_at"]),
                        content=_content(shape),
                        reviews=reviews.get(shape["version"], []),
                        add_parts=lambda version, shape=shape: self._add_parts(version, shape),
                    )
                    for shape in data["versions"]
                ]
                record = workflow.restore_record(
                    kind=data["kind"],
                    public_id=public_id,
                    versions=versions,
                    live_number=data["live_version"],
                    by=self.user,
                )
                if self.dry_run:
                    transaction.set_rollback(True)
        except workflow.WorkflowError as error:
            return Outcome(row.line, Result.REFUSED, public_id, message=" ".join(error.messages))
        except ValidationError as error:
            return Outcome(row.line, Result.REFUSED, public_id, message=" ".join(error.messages))
        except (KeyError, TypeError, ValueError) as error:
            return Outcome(
                row.line,
                Result.REFUSED,
                public_id,
                message=_("a field is missing or malformed (%(field)s)") % {"field": error},
            )
        return Outcome(row.line, Result.CREATED, record.public_id)

    def _part(self, part):
        part.full_clean(validate_unique=False, exclude=["version"])
        part._history_user = self.user
        part.save()

    def _add_parts(self, version, shape):
        for order, harm in enumerate(shape["harms"]):
            term = harm["harm_type"]
            self._part(
                Harm(
                    version=version,
                    order=order,
                    harm_type=self.terms[(term["taxonomy"]["slug"], term["slug"])] if term else None,
                    severity=harm["severity"]["value"],
                    **_texts(harm, "description"),
                    **_texts(harm, "affected_group"),
                )
            )
        for order, citation in enumerate(shape["citations"]):
            self._part(
                Citation(
                    version=version,
                    order=order,
                    source=Source.objects.get(pk=citation["source"]["id"]),
                    key=citation["key"],
                    is_primary=citation["is_primary"],
                    **_texts(citation, "label"),
                    **_texts(citation, "corroborates"),
                )
            )
        for order, recommendation in enumerate(shape["recommendations"]):
            authority, source = recommendation["authority"], recommendation["source"]
            part = PolicyRecommendation(
                version=version,
                order=order,
                authority=Entity.objects.get(slug=authority["slug"]) if authority else None,
                source=Source.objects.get(pk=source["id"]) if source else None,
                status=recommendation["status"],
                **_texts(recommendation, "text"),
                **_texts(recommendation, "attribution"),
            )
            self._part(part)
            # "authorities" lists every one, the first-named first (exports
            # before schema 1.1 have only "authority").
            further = recommendation.get("authorities", [])[1 if authority else 0 :]
            for position, entity in enumerate(further):
                self._part(
                    RecommendationAuthority(
                        version=version,
                        recommendation=part,
                        order=position,
                        entity=Entity.objects.get(slug=entity["slug"]),
                    )
                )
        for order, role in enumerate(shape["entities"]):
            self._part(
                EntityRole(
                    version=version,
                    order=order,
                    entity=Entity.objects.get(slug=role["entity"]["slug"]),
                    role=role["role"]["value"],
                    **_texts(role, "note"),
                )
            )
        # After the roles: only an entity the version names may respond.
        # Exports before schema 1.2 have no "responses".
        for order, response in enumerate(shape.get("responses", [])):
            self._part(
                EntityResponse(
                    version=version,
                    order=order,
                    entity=Entity.objects.get(slug=response["entity"]["slug"]),
                    responded_on=parse_date(response["date"]),
                    url=response["url"] or "",
                    **_texts(response, "text"),
                )
            )
        for order, term in enumerate(shape["classifications"]):
            self._part(
                Classification(version=version, order=order, term=self.terms[(term["taxonomy"]["slug"], term["slug"])])
            )
        for order, place in enumerate(shape["jurisdictions"]):
            self._part(Jurisdiction(version=version, order=order, country=place["country"], **_texts(place, "region")))
        for order, link in enumerate(shape["materialized_from"]):
            self._part(HazardLink(version=version, order=order, hazard=Record.objects.get(public_id=link["id"])))
        for order, external in enumerate(shape["external_ids"]):
            self._part(
                ExternalId(
                    version=version,
                    order=order,
                    database=external["database"],
                    value=external["id"],
                    url=external["url"] or "",
                )
            )


def _texts(shape, field) -> dict:
    """``{"title_en": …, "title_fr": …}`` from the export's ``{"en": {"text"}, …}``."""
    return {f"{field}_{lang}": shape[field][lang]["text"] for lang in LANGS}


def _content(shape) -> dict:
    """The version's own fields from its shape in the export."""
    content = {}
    for field in ("title", "summary", "narrative", "editorial_assessment", "change_note", "ai_system"):
        content.update(_texts(shape, field))
    occurred = shape["occurred"]
    content.update(
        occurred_on=parse_date(occurred["on"]) if occurred["on"] else None,
        occurred_until=parse_date(occurred["until"]) if occurred["until"] else None,
        occurrence_precision=occurred["precision"],
        first_reported_on=parse_date(shape["first_reported_on"]) if shape["first_reported_on"] else None,
        # Exports before schema 1.1 do not have it.
        published_elsewhere_on=parse_date(shape["published_elsewhere_on"])
        if shape.get("published_elsewhere_on")
        else None,
        severity=shape["severity"]["value"],
        verification_level=shape["verification_level"]["value"],
        assessment_status=shape["assessment_status"],
        recommendations_status=shape["recommendations_status"],
        taxonomy_status=shape["taxonomy_status"],
    )
    return content
