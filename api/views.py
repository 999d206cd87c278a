"""
The read-only JSON API, /api/v1/ (django-ninja).

Why django-ninja rather than Django REST framework: it describes the API in
OpenAPI 3.1 from the same type hints that validate every answer (so the
description cannot drift from what is served), it adds no layer of
serializers, viewsets and routers that a read-only API of a few endpoints
does not need, and a request costs little over a plain view, which the
speed budgets of the pages apply to the API as well (bench/README.md).

Everything read goes through the published querysets (``api.queries``);
everything said is built by ``api.data``, shared with the bulk export.
ETags, CORS and the methods allowed are ``api.http.ApiMiddleware``'s; the
rate limit is ``api.http.RateLimit``.
"""

import base64
import binascii
import json

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django_countries import countries
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from pydantic import Field

from core.i18n import LANGUAGE_CODES
from incidents.models import Kind, Severity, VerificationLevel
from incidents.public.browse.choices import public_taxonomies
from incidents.public.browse.query import RecordBrowser
from taxonomy.models import Term

from . import data, queries, schemas
from .http import RateLimit

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class Renderer(JSONRenderer):
    encoder_class = data.JSONEncoder


api = NinjaAPI(
    title="Dossier API",
    version="1",
    description=(
        "Published records of AI incidents and hazards, in English and French. Read-only; no key needed; "
        "answers carry an ETag (send If-None-Match for a 304). Content is under the licence each record states."
    ),
    urls_namespace="api-v1",
    docs_url=None,  # documented for people at /en/api/ and /fr/api/ (no third-party script).
    throttle=[RateLimit()],
    renderer=Renderer(),
)


def error(status, detail, errors=None):
    """An error answer: what went wrong, and the messages by parameter."""
    messages = {name: [str(message) for message in found] for name, found in (errors or {}).items()}
    return Status(status, {"detail": str(detail), "errors": messages})


@api.exception_handler(NinjaValidationError)
def invalid_parameters(request, exc):
    # Parameters are declared as text and checked by the same forms as the
    # public pages, in the reader's language; this answers what is left
    # (a parameter given twice where one is expected, say).
    return api.create_response(
        request,
        {"detail": _("Some parameters are not valid."), "errors": {}},
        status=400,
    )


# Pagination ------------------------------------------------------------------


class Page(Schema):
    cursor: str | None = Field(None, description="From a previous answer's next or previous link.")
    limit: str | None = Field(None, description=f"Results per page, 1 to {MAX_PAGE_SIZE} ({PAGE_SIZE} by default).")


def _encode(offset):
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def _decode(cursor):
    try:
        offset = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["o"]
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError):
        return None
    return offset if isinstance(offset, int) and 0 <= offset <= 10**9 else None


def page_bounds(page: Page):
    """(offset, limit) or the errors of the page parameters."""
    errors = {}
    offset = 0
    if page.cursor:
        offset = _decode(page.cursor)
        if offset is None:
            errors["cursor"] = [_("This cursor is not one this API gave. Follow the next and previous links.")]
    limit = PAGE_SIZE
    if page.limit is not None:
        if page.limit.isascii() and page.limit.isdigit() and 1 <= int(page.limit) <= MAX_PAGE_SIZE:
            limit = int(page.limit)
        else:
            errors["limit"] = [_("Give a number of results from 1 to %(max)s.") % {"max": MAX_PAGE_SIZE}]
    return offset, limit, errors


def paginated(request, items, offset, limit, count, shape):
    """A page of ``items`` (a queryset or list) with links to its neighbours."""
    rows = list(items[offset : offset + limit])

    def link(position):
        query = request.GET.copy()
        query["cursor"] = _encode(position)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "next": link(offset + limit) if offset + limit < count else None,
        "previous": link(max(offset - limit, 0)) if offset > 0 else None,
        "results": [shape(row) for row in rows],
    }


# Records ---------------------------------------------------------------------


class RecordFilters(Schema):
    q: str | None = Field(None, description="Words to search for, in the language given by lang.")
    lang: str | None = Field(None, description="en or fr: the language searched and sorted in.")
    kind: list[str] = Field([], description=" or ".join(Kind.values))
    severity: list[str] = Field([], description="Severity levels, " + ", ".join(map(str, Severity.values)))
    verification: list[str] = Field(
        [], description="Verification levels, " + ", ".join(map(str, VerificationLevel.values))
    )
    country: list[str] = Field([], description="Jurisdictions, ISO 3166-1 alpha-2 codes.")
    entity: list[str] = Field([], description="Entity slugs.")
    term: list[str] = Field([], description="Terms as taxonomy/term slugs (sector/finance); narrower terms included.")
    external: list[str] = Field([], description="Records with an id in these databases (aiid, oecd_aim, aiaaic, caim).")
    date_from: str | None = Field(None, description="Occurred on or after (YYYY-MM-DD).")
    date_to: str | None = Field(None, description="Occurred on or before (YYYY-MM-DD).")
    sort: str | None = Field(None, description="relevance, new, updated, occurred, severity or title")


def _browser_query(filters: RecordFilters):
    """The public list's query string for these filters, and errors the
    list's form cannot give (a term written without its taxonomy)."""
    query = QueryDict(mutable=True)
    for name in ("q", "date_from", "date_to", "sort"):
        value = getattr(filters, name)
        if value is not None:
            query[name] = value
    for name in ("kind", "severity", "verification", "country", "entity", "external"):
        query.setlist(name, getattr(filters, name))
    errors = {}
    for value in filters.term:
        taxonomy, _slash, term = value.partition("/")
        if not taxonomy or not term:
            errors["term"] = [_("Write a term as taxonomy/term, for example sector/finance.")]
            continue
        query.appendlist(f"term-{taxonomy}", term)
    return query, errors


@api.get(
    "/records/",
    response={200: schemas.RecordList, 400: schemas.Error},
    url_name="records",
    summary="Published records",
    description="The public list's filters and search; each record as its live version shows it. "
    "Cursor pagination: follow next and previous.",
)
def records(request, filters: Query[RecordFilters], page: Query[Page]):
    offset, limit, errors = page_bounds(page)
    lang = filters.lang or request.LANGUAGE_CODE
    if lang not in LANGUAGE_CODES:
        errors["lang"] = [_("Choose en or fr.")]
    query, term_errors = _browser_query(filters)
    errors.update(term_errors)
    browser = RecordBrowser(query, lang if lang in LANGUAGE_CODES else None)
    for name, messages in browser.form.errors.items():
        errors.setdefault("term" if name.startswith("term-") else name, []).extend(messages)
    known = {f"term-{taxonomy.taxonomy.slug}" for taxonomy in browser.taxonomies}
    if any(name.startswith("term-") and name not in known for name in query):
        errors.setdefault("term", []).append(_("No published record is classified in this taxonomy."))
    if errors:
        return error(400, _("Some parameters are not valid."), errors)
    versions = browser.result_versions()
    page_data = paginated(
        request, versions, offset, limit, versions.count(), lambda version: data.summary_data(version, request)
    )
    return Status(200, page_data)


def _merged(request, record, url_name="record"):
    """A duplicate's id answers 301 to the record it was merged into, with
    where and since when in the body (for clients that do not follow it)."""
    original = reverse(f"api-v1:{url_name}", args=[record.merged_into.public_id])
    response = api.create_response(
        request,
        {
            "detail": _("This record was merged into %(id)s.") % {"id": record.merged_into.public_id},
            "id": record.public_id,
            "merged_into": record.merged_into.public_id,
            "merged_at": record.merged_at,
            "api_url": request.build_absolute_uri(original),
        },
        status=301,
    )
    response["Location"] = original
    return response


def _withdrawn(record):
    return Status(
        410,
        {
            "detail": _("This record was withdrawn."),
            "id": record.public_id,
            "withdrawn_at": record.withdrawn_at,
            "reason": data.names(record, "withdrawal_reason"),
        },
    )


@api.get(
    "/records/{public_id}/",
    response={
        200: schemas.Record,
        301: schemas.Merged,
        400: schemas.Error,
        404: schemas.Error,
        410: schemas.Withdrawn,
    },
    url_name="record",
    summary="One published record",
    description="Its live version, or ?version=N for any published version. "
    "A withdrawn record answers 410 with the date and reason of its withdrawal; a duplicate merged into another "
    "record answers 301 to that record, with merged_into in its body.",
)
def record(request, public_id: str, version: str | None = None):
    number = None
    if version is not None:
        if not (version.isascii() and version.isdigit() and 1 <= int(version) <= 10**6):
            return error(400, _("Some parameters are not valid."), {"version": [_("Give a version number.")]})
        number = int(version)
    try:
        # The record's stamp, read by ApiMiddleware for the answer's ETag.
        stamp = getattr(request, "_dossier_stamps", {}).get(public_id)
        loaded = queries.load_record(public_id, number, stamp=stamp)
    except queries.RecordNotFoundError:
        return error(404, _("No published record or version has this id."))
    except queries.RecordWithdrawnError as gone:
        return _withdrawn(gone.record)
    except queries.RecordMergedError as merged:
        return _merged(request, merged.record)
    body = data.record_data(
        loaded.record,
        loaded.version,
        loaded.versions,
        stale=loaded.stale,
        mappings=loaded.mappings,
        redactions=loaded.redactions,
        request=request,
        related=loaded.related,
    )
    return Status(200, body)


@api.get(
    "/records/{public_id}/versions/",
    response={200: list[schemas.Version], 301: schemas.Merged, 404: schemas.Error, 410: schemas.Withdrawn},
    url_name="record-versions",
    summary="A record's published versions",
)
def record_versions(request, public_id: str):
    try:
        loaded = queries.load_versions(public_id)
    except queries.RecordNotFoundError:
        return error(404, _("No published record or version has this id."))
    except queries.RecordWithdrawnError as gone:
        return _withdrawn(gone.record)
    except queries.RecordMergedError as merged:
        return _merged(request, merged.record, "record-versions")
    live = loaded.record.live_version_id
    return Status(200, [data.version_entry(v, request, live_id=live) for v in loaded.versions])


# Reference data --------------------------------------------------------------


@api.get(
    "/entities/",
    response={200: schemas.EntityList, 400: schemas.Error},
    url_name="entities",
    summary="Entities named in published records",
)
def entities(request, page: Query[Page]):
    offset, limit, errors = page_bounds(page)
    if errors:
        return error(400, _("Some parameters are not valid."), errors)
    rows = queries.public_entities()
    return Status(200, paginated(request, rows, offset, limit, len(rows), lambda e: data.entity_data(e, request)))


@api.get(
    "/sources/",
    response={200: schemas.SourceList, 400: schemas.Error},
    url_name="sources",
    summary="Sources cited by published records",
)
def sources(request, page: Query[Page]):
    offset, limit, errors = page_bounds(page)
    if errors:
        return error(400, _("Some parameters are not valid."), errors)
    rows = queries.public_sources()
    return Status(200, paginated(request, rows, offset, limit, len(rows), lambda s: data.source_data(s, request)))


@api.get(
    "/taxonomies/",
    response=list[schemas.TaxonomyTree],
    url_name="taxonomies",
    summary="Taxonomies as trees",
    description="Every taxonomy classifying a published record, with the terms in use and their broader terms.",
)
def taxonomies(request):
    found = public_taxonomies()
    mappings = queries.term_mappings([node.term for taxonomy in found for node in taxonomy.nodes()])

    def node_data(node):
        term = node.term
        shape = data.term_data(term, mappings, request)
        return {
            "slug": term.slug,
            "name": shape["name"],
            "codes": shape["codes"],
            "pages": shape["pages"],
            "children": [node_data(child) for child in node.children],
        }

    return [
        {**data.taxonomy_data(taxonomy.taxonomy), "terms": [node_data(root) for root in taxonomy.roots]}
        for taxonomy in found
    ]


@api.get(
    "/stats/",
    response=schemas.Statistics,
    url_name="stats",
    summary="Counts of published records",
    description="By year of occurrence, kind, harm type, sector, jurisdiction, severity and verification level.",
)
def stats(request):
    counts = queries.statistics()
    terms = Term.objects.in_bulk([*counts["harm_type"], *counts["sector"]])

    def rows(found, label, value=lambda v: v):
        # Ties in the order of their values (slugs, codes): the same on every
        # database, whatever the rows' ids.
        return sorted(
            ({"value": value(v), "label": label(v), "count": n} for v, n in found.items()),
            key=lambda row: (-row["count"], str(row["value"])),
        )

    def term_slug(pk):
        return terms[pk].slug if pk in terms else str(pk)

    def term_label(pk):
        return data.names(terms[pk], "name") if pk in terms else {code: str(pk) for code in LANGUAGE_CODES}

    def country_label(code):
        return data.label(lambda: countries.name(code) or code)

    return {
        "total": counts["total"],
        "year": sorted(
            (
                {"value": y, "label": {c: str(y) if y else "?" for c in LANGUAGE_CODES}, "count": n}
                for y, n in counts["year"].items()
            ),
            key=lambda row: (row["value"] is None, row["value"] or 0),
        ),
        "kind": rows(counts["kind"], lambda v: data.choice(Kind, v)["label"]),
        "harm_type": rows(counts["harm_type"], term_label, term_slug),
        "sector": rows(counts["sector"], term_label, term_slug),
        "jurisdiction": rows(counts["jurisdiction"], country_label),
        "severity": rows(counts["severity"], lambda v: data.choice(Severity, v)["label"]),
        "verification_level": rows(counts["verification_level"], lambda v: data.choice(VerificationLevel, v)["label"]),
    }
