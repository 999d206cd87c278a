"""
The bulk export: every published record, every published version, as JSON
Lines and as CSV tables, with a manifest (``manage.py export_records DIR``,
and the zip offered at /en/data/ and /fr/data/).

- ``records.jsonl``: one line per published record, ``{"id", "kind",
  "live_version", "versions": [...], "reviews": [...]}``, each version in
  the API's shape (``api.data.record_data``): the same words, the same
  statuses; ``reviews``: each version's two sign-offs (check and date, not
  the reviewer).
- One CSV per table (``TABLES``), built from those same dicts, so the CSV
  cannot say something the JSON does not. A version's parts carry the
  record's id and the version's number. ``sources.csv``, ``entities.csv``
  and ``terms.csv`` give each reference row as the public knows it now
  (its latest published state); the JSON gives each version's own.
- ``withdrawn.csv``: the records withdrawn since publication (id, date,
  reason), so that a copy can drop them.
- ``merged.csv``: the duplicates merged into another record (id, the
  original's id, date), so that a copy can drop them and point to the
  original (docs/architecture.md, "Duplicates and related records").
- ``manifest.json``: the schema version, when the data was taken (the
  latest publication, withdrawal or redaction) and when the files were
  written, the number of rows of each file, each file's SHA-256, and the
  licence and credits.

Only published content is read (``Record.objects.published()``,
``RecordVersion.objects.published()``, ``pins.public_rows``), in chunks of
records at a number of queries per chunk that does not depend on its size.
"""

import csv
import datetime
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from evidence.models import Source
from incidents import pins
from incidents.models import PUBLIC_STATUSES, Decision, Record, RecordVersion, SignOff
from incidents.public import licence, record_page
from incidents.public.browse.choices import public_taxonomies
from taxonomy.models import Entity

from . import data
from .queries import stale_fields, term_mappings

# 1.1: recommendations carry "authorities" (and recommendation_authorities.csv);
# versions and changelog entries carry "published_elsewhere_on".
# 1.2: merged.csv, the duplicates merged into another record (which leave
# records.jsonl and the other tables).
# 1.3: versions carry "responses", entities' answers (and responses.csv).
SCHEMA_VERSION = "1.3"
CHUNK = 200  # records loaded at once
LANGS = ("en", "fr")

# (file, columns). A column "x_en"/"x_fr" is the text of "x" in that language.
TABLES = {
    "records.csv": ["id", "kind", "live_version", "first_published_at", "page_en", "page_fr"],
    "versions.csv": [
        "record_id",
        "version",
        "is_live",
        "published_at",
        "published_elsewhere_on",
        "redacted_at",
        *(f"{name}_{lang}" for name in ("title", "summary", "narrative", "editorial_assessment") for lang in LANGS),
        *(f"{name}_{lang}" for name in ("ai_system", "change_note") for lang in LANGS),
        *(f"{name}_fr_status" for name in ("title", "summary", "narrative", "editorial_assessment")),
        "occurred_on",
        "occurred_until",
        "occurrence_precision",
        "first_reported_on",
        "severity",
        "verification_level",
        "assessment_status",
        "recommendations_status",
        "taxonomy_status",
        "permalink_en",
        "permalink_fr",
        "neutrality_signed_at",
        "factuality_signed_at",
    ],
    "harms.csv": [
        "record_id",
        "version",
        "position",
        "description_en",
        "description_fr",
        "harm_type",
        "severity",
        "affected_group_en",
        "affected_group_fr",
    ],
    "citations.csv": [
        "record_id",
        "version",
        "position",
        "key",
        "source_id",
        "is_primary",
        "label_en",
        "label_fr",
        "corroborates_en",
        "corroborates_fr",
    ],
    "recommendations.csv": [
        "record_id",
        "version",
        "position",
        "text_en",
        "text_fr",
        "authority",
        "source_id",
        "attribution_en",
        "attribution_fr",
        "status",
    ],
    # The further authorities of a joint recommendation ("authority" above is the first-named).
    "recommendation_authorities.csv": ["record_id", "version", "recommendation_position", "position", "entity"],
    "entity_roles.csv": ["record_id", "version", "position", "entity", "role", "note_en", "note_fr"],
    # Right of reply: an entity's response, in its own words.
    "responses.csv": ["record_id", "version", "position", "entity", "date", "text_en", "text_fr", "url"],
    "classifications.csv": ["record_id", "version", "position", "taxonomy", "term"],
    "jurisdictions.csv": ["record_id", "version", "position", "country", "region_en", "region_fr"],
    "materialized_from.csv": ["record_id", "version", "position", "hazard_id"],
    "external_ids.csv": ["record_id", "version", "position", "database", "external_id", "url"],
    "sources.csv": [
        "id",
        "title",
        "language",
        "publisher_en",
        "publisher_fr",
        "authors",
        "published_on",
        "url",
        "archived_url",
        "source_type",
    ],
    "entities.csv": ["slug", "name_en", "name_fr", "kind", "website", "description_en", "description_fr"],
    "terms.csv": [
        "taxonomy",
        "term",
        "parent",
        "order",
        "name_en",
        "name_fr",
        "description_en",
        "description_fr",
        "taxonomy_order",
        "taxonomy_name_en",
        "taxonomy_name_fr",
        "taxonomy_description_en",
        "taxonomy_description_fr",
        "codes",
    ],
    "withdrawn.csv": ["id", "withdrawn_at", "reason_en", "reason_fr"],
    "merged.csv": ["id", "merged_into", "merged_at"],
}
FILES = ("records.jsonl", *TABLES)


def _text(value, lang):
    return value[lang]["text"] if value else ""


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return data.JSONEncoder().default(value)
    return value


def data_stamp():
    """When the published data last changed: the latest publication,
    redaction or withdrawal (dates a restore keeps, so that an export of a
    restored database says the same)."""
    versions = RecordVersion.objects.filter(status__in=PUBLIC_STATUSES).aggregate(
        published=Max("published_at"), redacted=Max("redacted_at")
    )
    withdrawn = Record.objects.aggregate(last=Max("withdrawn_at"))["last"]
    return max(filter(None, (versions["published"], versions["redacted"], withdrawn)), default=None)


def _published_records():
    """The published records' versions, a chunk of records at a time:
    (record, [its published versions, oldest first], their loaded data)."""
    ids = list(Record.objects.published().order_by("kind", "number").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        records = Record.objects.filter(pk__in=ids[start : start + CHUNK]).order_by("kind", "number")
        versions = list(
            RecordVersion.objects.published()
            .filter(record__in=records)
            .select_related("record")
            .order_by("record_id", "number")
        )
        record_page.prefetch_parts(versions)
        terms = [c.term for v in versions for c in v.classifications.all()]
        terms += [h.harm_type for v in versions for h in v.harms.all() if h.harm_type_id]
        mappings = term_mappings(terms)
        redactions = record_page.applied_redactions(versions)
        reviews = _reviews(versions)
        by_record = {}
        for version in versions:
            by_record.setdefault(version.record_id, []).append(version)
        for record in records:
            yield record, by_record.get(record.pk, []), mappings, redactions, reviews


def _reviews(versions) -> dict:
    """{version id: [{"check", "signed_at"}]}: the sign-offs each version was
    published with (its reviewers are not named), in one query; a restored
    version keeps those of the database it was exported from."""
    found = {version.pk: version.restored_reviews for version in versions if version.restored_reviews is not None}
    sign_offs = SignOff.objects.filter(
        version__in=[version.pk for version in versions if version.pk not in found],
        voided_at__isnull=True,
        decision=Decision.APPROVE,
    ).order_by("check_type")
    for sign_off in sign_offs:
        found.setdefault(sign_off.version_id, []).append(
            {"check": sign_off.check_type, "signed_at": data.JSONEncoder().default(sign_off.created_at)}
        )
    return found


def _version_rows(rows, record, shape, reviews):
    """Add the CSV rows of one version (``shape``: its API data)."""
    key = {"record_id": record.public_id, "version": shape["version"]}
    version_row = {
        **key,
        "is_live": shape["is_live"],
        "published_at": shape["published_at"],
        "published_elsewhere_on": shape["published_elsewhere_on"],
        "redacted_at": shape["redacted_at"],
        "occurred_on": shape["occurred"]["on"],
        "occurred_until": shape["occurred"]["until"],
        "occurrence_precision": shape["occurred"]["precision"],
        "first_reported_on": shape["first_reported_on"],
        "severity": shape["severity"]["value"],
        "verification_level": shape["verification_level"]["value"],
        "assessment_status": shape["assessment_status"],
        "recommendations_status": shape["recommendations_status"],
        "taxonomy_status": shape["taxonomy_status"],
        "permalink_en": shape["permalinks"]["en"],
        "permalink_fr": shape["permalinks"]["fr"],
        **{f"{review['check']}_signed_at": review["signed_at"] for review in reviews},
    }
    for name in RecordVersion.TRANSLATED_FIELDS:
        for lang in LANGS:
            version_row[f"{name}_{lang}"] = _text(shape[name], lang)
        version_row[f"{name}_fr_status"] = shape[name]["fr"]["status"]
    rows["versions.csv"].append(version_row)
    for position, harm in enumerate(shape["harms"], 1):
        term = harm["harm_type"]
        rows["harms.csv"].append(
            {
                **key,
                "position": position,
                **{f"description_{lang}": _text(harm["description"], lang) for lang in LANGS},
                "harm_type": f"{term['taxonomy']['slug']}/{term['slug']}" if term else "",
                "severity": harm["severity"]["value"],
                **{f"affected_group_{lang}": _text(harm["affected_group"], lang) for lang in LANGS},
            }
        )
    for position, citation in enumerate(shape["citations"], 1):
        rows["citations.csv"].append(
            {
                **key,
                "position": position,
                "key": citation["key"],
                "source_id": citation["source"]["id"],
                "is_primary": citation["is_primary"],
                **{f"label_{lang}": _text(citation["label"], lang) for lang in LANGS},
                **{f"corroborates_{lang}": _text(citation["corroborates"], lang) for lang in LANGS},
            }
        )
    for position, recommendation in enumerate(shape["recommendations"], 1):
        rows["recommendations.csv"].append(
            {
                **key,
                "position": position,
                **{f"text_{lang}": _text(recommendation["text"], lang) for lang in LANGS},
                "authority": recommendation["authority"]["slug"] if recommendation["authority"] else "",
                "source_id": recommendation["source"]["id"] if recommendation["source"] else "",
                **{f"attribution_{lang}": _text(recommendation["attribution"], lang) for lang in LANGS},
                "status": recommendation["status"],
            }
        )
    for recommendation_position, recommendation in enumerate(shape["recommendations"], 1):
        for position, entity in enumerate(recommendation["authorities"][1 if recommendation["authority"] else 0 :], 1):
            rows["recommendation_authorities.csv"].append(
                {
                    **key,
                    "recommendation_position": recommendation_position,
                    "position": position,
                    "entity": entity["slug"],
                }
            )
    for position, role in enumerate(shape["entities"], 1):
        rows["entity_roles.csv"].append(
            {
                **key,
                "position": position,
                "entity": role["entity"]["slug"],
                "role": role["role"]["value"],
                **{f"note_{lang}": _text(role["note"], lang) for lang in LANGS},
            }
        )
    for position, response in enumerate(shape["responses"], 1):
        rows["responses.csv"].append(
            {
                **key,
                "position": position,
                "entity": response["entity"]["slug"],
                "date": response["date"],
                **{f"text_{lang}": _text(response["text"], lang) for lang in LANGS},
                "url": response["url"] or "",
            }
        )
    for position, term in enumerate(shape["classifications"], 1):
        rows["classifications.csv"].append(
            {**key, "position": position, "taxonomy": term["taxonomy"]["slug"], "term": term["slug"]}
        )
    for position, place in enumerate(shape["jurisdictions"], 1):
        rows["jurisdictions.csv"].append(
            {
                **key,
                "position": position,
                "country": place["country"],
                **{f"region_{lang}": _text(place["region"], lang) for lang in LANGS},
            }
        )
    for position, link in enumerate(shape["materialized_from"], 1):
        rows["materialized_from.csv"].append({**key, "position": position, "hazard_id": link["id"]})
    for position, external in enumerate(shape["external_ids"], 1):
        rows["external_ids.csv"].append(
            {
                **key,
                "position": position,
                "database": external["database"],
                "external_id": external["id"],
                "url": external["url"],
            }
        )


def _raw(obj, field, lang):
    """A reference row's text as stored: an empty French stays empty here
    (the API shows the English instead; a restore must not fill it in)."""
    return getattr(obj, f"{field}_{lang}", "") or ""


def _reference_rows(rows):
    for source in sorted(pins.public_rows(Source), key=lambda source: source.pk):
        shape = data.source_data(source, None)
        rows["sources.csv"].append(
            {
                **{name: shape[name] for name in ("id", "title", "language", "authors", "published_on", "url")},
                "archived_url": shape["archived_url"],
                "source_type": shape["source_type"],
                **{f"publisher_{lang}": _raw(source, "publisher", lang) for lang in LANGS},
            }
        )
    for entity in sorted(pins.public_rows(Entity), key=lambda entity: entity.slug):
        shape = data.entity_data(entity, None)
        rows["entities.csv"].append(
            {
                "slug": shape["slug"],
                "kind": shape["kind"],
                "website": shape["website"],
                **{f"name_{lang}": _raw(entity, "name", lang) for lang in LANGS},
                **{f"description_{lang}": _raw(entity, "description", lang) for lang in LANGS},
            }
        )
    taxonomies = public_taxonomies()
    nodes = [node for taxonomy in taxonomies for node in taxonomy.nodes()]
    mappings = term_mappings([node.term for node in nodes])
    by_pk = {node.term.pk: node.term for node in nodes}
    for taxonomy in taxonomies:
        for node in taxonomy.nodes():
            term = node.term
            parent = by_pk.get(term.parent_id)
            rows["terms.csv"].append(
                {
                    "taxonomy": taxonomy.taxonomy.slug,
                    "term": term.slug,
                    "parent": parent.slug if parent else "",
                    "order": term.order,
                    **{f"name_{lang}": _raw(term, "name", lang) for lang in LANGS},
                    **{f"description_{lang}": _raw(term, "description", lang) for lang in LANGS},
                    "taxonomy_order": taxonomy.taxonomy.order,
                    **{f"taxonomy_name_{lang}": _raw(taxonomy.taxonomy, "name", lang) for lang in LANGS},
                    **{f"taxonomy_description_{lang}": _raw(taxonomy.taxonomy, "description", lang) for lang in LANGS},
                    # scheme:code=label, " | " between codes
                    "codes": " | ".join(f"{m.scheme}:{m.code}={m.label}" for m in mappings.get(term.pk, ())),
                }
            )
    for record in Record.objects.withdrawn().order_by("kind", "number"):
        reason = data.names(record, "withdrawal_reason")
        rows["withdrawn.csv"].append(
            {
                "id": record.public_id,
                "withdrawn_at": record.withdrawn_at,
                "reason_en": reason["en"],
                "reason_fr": reason["fr"],
            }
        )

    for record in Record.objects.merged().select_related("merged_into").order_by("kind", "number"):
        rows["merged.csv"].append(
            {"id": record.public_id, "merged_into": record.merged_into.public_id, "merged_at": record.merged_at}
        )


def _write_csv(path, columns, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="raise")
        writer.writeheader()
        for row in rows:
            writer.writerow({name: _cell(row.get(name)) for name in columns})


def _sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export(directory) -> dict:
    """Write every export file into ``directory`` (created if need be) and
    return the manifest written beside them."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    rows = {name: [] for name in TABLES}
    counts = {"records.jsonl": 0}
    with open(directory / "records.jsonl", "w", encoding="utf-8") as jsonl:
        for record, versions, mappings, redactions, reviews in _published_records():
            shapes, signed = [], []
            for index, version in enumerate(versions):
                previous = versions[index - 1] if index else None
                shape = data.record_data(
                    record,
                    version,
                    versions,
                    stale=stale_fields(previous, version),
                    mappings=mappings,
                    redactions=redactions,
                    request=None,
                )
                shapes.append(shape)
                version_reviews = reviews.get(version.pk, [])
                signed += [{"version": version.number, **review} for review in version_reviews]
                _version_rows(rows, record, shape, version_reviews)
            live = next((shape["version"] for shape in shapes if shape["is_live"]), None)
            line = {
                "id": record.public_id,
                "kind": record.kind,
                "live_version": live,
                "versions": shapes,
                "reviews": signed,
            }
            # The API's encoder, so dates are written as the API writes them.
            jsonl.write(json.dumps(line, ensure_ascii=False, cls=data.JSONEncoder) + "\n")
            counts["records.jsonl"] += 1
            if shapes:
                first = shapes[0]
                rows["records.csv"].append(
                    {
                        "id": record.public_id,
                        "kind": record.kind,
                        "live_version": live,
                        "first_published_at": first["first_published_at"],
                        "page_en": first["pages"]["en"],
                        "page_fr": first["pages"]["fr"],
                    }
                )
    _reference_rows(rows)
    for name, columns in TABLES.items():
        _write_csv(directory / name, columns, rows[name])
        counts[name] = len(rows[name])
    stamp = data_stamp()
    terms = licence.original()
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "dataset_date": stamp.isoformat() if stamp else None,
        "generated_at": timezone.now().isoformat(),
        "site": settings.DOSSIER_SITE_URL,
        "files": {
            name: {
                "rows": counts[name],
                "bytes": (directory / name).stat().st_size,
                "sha256": _sha256(directory / name),
            }
            for name in FILES
        },
        "licence": licence.as_data(terms)["licence"],
        "credits": [
            {
                "name": credit.name,
                "url": credit.url,
                "licence": {"name": credit.licence.name, "url": credit.licence.url},
            }
            for credit in licence.data_credits()
        ],
        "notice": (
            "Each record states its own licence in records.jsonl: a record drawing on credited data "
            "(see credits) is offered under that data's licence when it is share-alike."
        ),
    }
    with open(directory / "manifest.json", "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, ensure_ascii=False, indent=2)
    return manifest


# The zip offered on the data page -------------------------------------------------

ZIP_NAME = "dossier-export.zip"
MANIFEST_NAME = "dossier-export-manifest.json"


def export_dir() -> Path:
    return Path(settings.DOSSIER_EXPORT_DIR)


def regenerate() -> dict:
    """Export into a fresh directory, zip it, and put the zip and its
    manifest in place for the data page, each by an atomic rename: a reader
    downloads the old zip or the new one, never half of one."""
    target = export_dir()
    target.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="export-", dir=target))
    try:
        manifest = export(work / "files")
        zip_path = work / ZIP_NAME
        with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in (*FILES, "manifest.json"):
                archive.write(work / "files" / name, f"dossier-export/{name}")
        manifest_path = work / MANIFEST_NAME
        manifest_path.write_text(
            json.dumps({**manifest, "zip_bytes": zip_path.stat().st_size}, indent=2), encoding="utf-8"
        )
        os.replace(zip_path, target / ZIP_NAME)
        os.replace(manifest_path, target / MANIFEST_NAME)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return manifest


def latest_manifest() -> dict | None:
    """The manifest of the zip on offer, or None before the first export."""
    try:
        return json.loads((export_dir() / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
