"""
Published records as plain data: the one shape shared by the API's answers
and the bulk export (``export_records``), so both say the same thing.

Every text of a record is given in both languages with its translation
status: ``complete``, ``missing`` (French left empty: readers are shown the
English) or ``stale`` (the English changed in this version while the French
stayed as it was in the version before, ``incidents.diff.stale_translations``).
Texts are the stored Markdown, inline citations included (``[@key]``): the
redacted passages are already erased from them (docs/architecture.md,
"Redaction").

Reference rows (sources, entities, terms, taxonomies) are shown as the
version's reviewers saw them (incidents/pins.py), as on the record's page.
Nothing here queries the database: callers load what it reads
(``api.queries``), at a cost that does not grow with the record.
"""

import datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import translation

from core.i18n import LANGUAGE_CODES
from core.links import safe_url
from incidents import related as related_records
from incidents.models import ExternalDatabase, RecordVersion, RedactionReason, Role, Severity, VerificationLevel
from incidents.public import licence

COMPLETE, MISSING, STALE = "complete", "missing", "stale"


class JSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but times to the microsecond, as stored: Django's
    stops at the millisecond, and a restore from the export would then move
    every publication time (api/export.py, imports/dossier.py)."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


DEFAULT_LANGUAGE = settings.LANGUAGE_CODE


def label(value) -> dict:
    """A lazily translated label (a choice's), or a callable giving one in
    the active language, in every language."""
    result = {}
    for code in LANGUAGE_CODES:
        with translation.override(code):
            result[code] = str(value() if callable(value) else value)
    return result


def names(obj, field) -> dict:
    """A translated field of a reference row, in every language, the default
    language standing in for a missing translation (as pages show it)."""
    default = getattr(obj, f"{field}_{DEFAULT_LANGUAGE}", "") or ""
    return {code: (getattr(obj, f"{field}_{code}", "") or "") or default for code in LANGUAGE_CODES}


def texts(obj, field, stale=frozenset()) -> dict:
    """A translated field of a version or part, each language with its status."""
    result = {}
    for code in LANGUAGE_CODES:
        text = getattr(obj, f"{field}_{code}", "") or ""
        if not text.strip():
            status = MISSING
        elif code != DEFAULT_LANGUAGE and field in stale:
            status = STALE
        else:
            status = COMPLETE
        result[code] = {"text": text, "status": status}
    return result


def choice(choices, value) -> dict:
    """A value of ``choices`` (a TextChoices or IntegerChoices) with its label
    in every language; a value outside the choices is its own label."""
    try:
        display = choices(value).label
    except ValueError:
        display = str(value)
    return {"value": value, "label": label(display)}


def absolute(request, path) -> str:
    return request.build_absolute_uri(path) if request is not None else f"{settings.DOSSIER_SITE_URL}{path}"


def pages(request, name, *args) -> dict:
    """The public page ``name`` in every language, as absolute URLs."""
    result = {}
    for code in LANGUAGE_CODES:
        with translation.override(code):
            result[code] = absolute(request, reverse(f"incidents:{name}", args=args))
    return result


# Reference rows --------------------------------------------------------------


def taxonomy_data(taxonomy) -> dict:
    return {"slug": taxonomy.slug, "name": names(taxonomy, "name")}


def term_data(term, mappings, request) -> dict:
    """A term with its external codes (``mappings``: {term id: [TermMapping]})."""
    return {
        "slug": term.slug,
        "name": names(term, "name"),
        "taxonomy": taxonomy_data(term.taxonomy),
        "codes": [
            {"scheme": mapping.scheme, "code": mapping.code, "label": mapping.label}
            for mapping in mappings.get(term.pk, ())
        ],
        "pages": pages(request, "term", term.taxonomy.slug, term.slug),
    }


def entity_data(entity, request) -> dict:
    return {
        "slug": entity.slug,
        "name": names(entity, "name"),
        "kind": entity.kind,
        "website": safe_url(entity.url) or None,
        "pages": pages(request, "entity", entity.slug),
    }


def source_data(source, request) -> dict:
    return {
        "id": source.pk,
        "title": source.title,
        "language": source.language,
        "publisher": names(source, "publisher"),
        "authors": source.authors,
        "published_on": source.published_on,
        "url": safe_url(source.url) or None,
        "archived_url": safe_url(source.archived_url) or None,
        "source_type": source.source_type,
        "pages": pages(request, "source", source.pk),
    }


# Versions ---------------------------------------------------------------------


def occurrence(version) -> dict:
    return {"on": version.occurred_on, "until": version.occurred_until, "precision": version.occurrence_precision}


def summary_data(version, request) -> dict:
    """A record in a list: its live version's main facts."""
    record = version.record
    return {
        "id": record.public_id,
        "kind": record.kind,
        "version": version.number,
        "title": texts(version, "title"),
        "summary": texts(version, "summary"),
        "published_at": version.published_at,
        "occurred": occurrence(version),
        "severity": choice(Severity, version.severity),
        "verification_level": choice(VerificationLevel, version.verification_level),
        "api_url": absolute(request, reverse("api-v1:record", args=[record.public_id])),
        "pages": pages(request, "record", record.public_id),
    }


def version_entry(version, request, *, live_id) -> dict:
    record = version.record
    return {
        "version": version.number,
        "published_at": version.published_at,
        "redacted_at": version.redacted_at,
        "is_live": version.pk == live_id,
        "change": texts(version, "change_note"),
        "api_url": absolute(request, reverse("api-v1:record", args=[record.public_id]) + f"?version={version.number}"),
        "permalinks": pages(request, "version", record.public_id, version.number),
    }


def _in_language(code, function, *args):
    with translation.override(code):
        return function(*args)


def related_data(other, request) -> dict:
    """A related record (a Record with its live version and the ``shared_*``
    counts of ``record_page.neighbours``), with why in every language."""
    return {
        "id": other.public_id,
        "title": texts(other.live_version, "title"),
        "api_url": absolute(request, reverse("api-v1:record", args=[other.public_id])),
        "pages": pages(request, "record", other.public_id),
        "shared": {
            "entities": other.shared_entities,
            "harm_types": other.shared_harm_types,
            "sectors": other.shared_sectors,
            "countries": other.shared_countries,
        },
        "reasons": {code: _in_language(code, related_records.reasons, other) for code in LANGUAGE_CODES},
    }


def record_data(record, version, versions, *, stale, mappings, redactions, request, related=None) -> dict:
    """Everything public about ``version`` of ``record``.

    ``versions``: the record's published versions, oldest first; ``stale``:
    {part or version: field names whose French is stale}; ``mappings``: the
    external codes of the terms shown; ``redactions``: applied redactions by
    version id (``record_page.applied_redactions``); ``related``: its related
    records (``record_page.neighbours``), in the API's answer only (the
    export leaves them out: None)."""

    def stale_of(obj):
        return stale.get((type(obj), obj.pk), frozenset())

    citations = list(version.citations.all())
    terms = licence.for_sources([citation.source for citation in citations])
    changelog = []
    for entry in versions:
        changelog.append(
            {
                "version": entry.number,
                "date": entry.published_at,
                "published_elsewhere_on": entry.published_elsewhere_on,
                "change": texts(entry, "change_note"),
                "redaction": None,
            }
        )
        for redaction in redactions.get(entry.pk, []):
            changelog.append(
                {
                    "version": entry.number,
                    "date": redaction.decided_at,
                    "published_elsewhere_on": None,
                    "change": None,
                    "redaction": choice(RedactionReason, redaction.reason),
                }
            )
    own = stale_of(version)
    extra = {} if related is None else {"related": [related_data(other, request) for other in related]}
    return {
        "id": record.public_id,
        "kind": record.kind,
        "version": version.number,
        "is_live": version.pk == record.live_version_id,
        "latest_version": versions[-1].number if versions else version.number,
        "published_at": version.published_at,
        # Only for a version first published by another monitor (a date, or null).
        "published_elsewhere_on": version.published_elsewhere_on,
        "first_published_at": versions[0].published_at if versions else version.published_at,
        "redacted_at": version.redacted_at,
        **{field: texts(version, field, own) for field in RecordVersion.TRANSLATED_FIELDS},
        "occurred": occurrence(version),
        "first_reported_on": version.first_reported_on,
        "severity": choice(Severity, version.severity),
        "verification_level": choice(VerificationLevel, version.verification_level),
        "assessment_status": version.assessment_status,
        "recommendations_status": version.recommendations_status,
        "taxonomy_status": version.taxonomy_status,
        "harms": [
            {
                "description": texts(harm, "description", stale_of(harm)),
                "harm_type": term_data(harm.harm_type, mappings, request) if harm.harm_type_id else None,
                "severity": choice(Severity, harm.severity),
                "affected_group": texts(harm, "affected_group", stale_of(harm)),
            }
            for harm in version.harms.all()
        ],
        "citations": [
            {
                "key": citation.key,
                "label": texts(citation, "label", stale_of(citation)),
                "corroborates": texts(citation, "corroborates", stale_of(citation)),
                "is_primary": citation.is_primary,
                "source": source_data(citation.source, request),
            }
            for citation in citations
        ],
        "recommendations": [
            {
                "text": texts(recommendation, "text", stale_of(recommendation)),
                "authority": entity_data(recommendation.authority, request) if recommendation.authority_id else None,
                # Every authority, the first-named ("authority") first: a joint advisory has several.
                "authorities": [entity_data(entity, request) for entity in recommendation.authorities()],
                "source": source_data(recommendation.source, request) if recommendation.source_id else None,
                "attribution": texts(recommendation, "attribution", stale_of(recommendation)),
                "status": recommendation.status,
            }
            for recommendation in version.recommendations.all()
        ],
        "entities": [
            {
                "entity": entity_data(role.entity, request),
                "role": choice(Role, role.role),
                "note": texts(role, "note", stale_of(role)),
            }
            for role in version.entity_roles.all()
        ],
        # Right of reply: what entities named above answered, in their own words.
        "responses": [
            {
                "entity": entity_data(response.entity, request),
                "text": texts(response, "text", stale_of(response)),
                "date": response.responded_on,
                "url": safe_url(response.url) or None,
            }
            for response in version.responses.all()
        ],
        "classifications": [term_data(c.term, mappings, request) for c in version.classifications.all()],
        "jurisdictions": [
            {
                "country": jurisdiction.country.code,
                "name": label(lambda jurisdiction=jurisdiction: jurisdiction.country.name),
                "region": texts(jurisdiction, "region", stale_of(jurisdiction)),
            }
            for jurisdiction in version.jurisdictions.all()
        ],
        "materialized_from": [
            {
                "id": link.hazard.public_id,
                "title": texts(link.hazard.live_version, "title"),
                "api_url": absolute(request, reverse("api-v1:record", args=[link.hazard.public_id])),
                "pages": pages(request, "record", link.hazard.public_id),
            }
            for link in version.hazard_links.all()
        ],
        "external_ids": [
            {
                "database": external.database,
                "name": label(ExternalDatabase(external.database).label),
                "id": external.value,
                "url": safe_url(external.url) or None,
            }
            for external in version.external_ids.all()
        ],
        "changelog": changelog,
        **extra,
        "permalinks": pages(request, "version", record.public_id, version.number),
        "pages": pages(request, "record", record.public_id),
        "licence": licence.as_data(terms)["licence"],
        "credits": licence.as_data(terms)["credits"],
    }
