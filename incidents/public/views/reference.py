"""
Pages of shared reference data: an entity, a taxonomy term, a source, each
with the published records that involve, are classified under, or cite it.

They live in ``incidents`` although their URLs name entities, terms and
sources, because listing records needs the record model and ``taxonomy`` and
``evidence`` import nothing of ``incidents`` (docs/architecture.md, "Layout and import rules").

Each page shows its row as the public knows it: in the state the latest
published version showing it was reviewed with (``pins.public_state``), not
an unreviewed later edit. A reference row becomes public with the first
published version that uses it (docs/architecture.md, "Promises", 1): until then its page answers 404, like an unknown
one. Once public, it stays reachable even if no *live* version uses it any
more, because an older published version, still readable and citable, links
to it; the list then says that no current record does.
"""

import hashlib

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from evidence.models import Source
from incidents import pins
from incidents.models import (
    Classification,
    EntityRole,
    Harm,
    PolicyRecommendation,
    RecommendationAuthority,
    Record,
    RecordVersion,
    Role,
)
from incidents.public.browse.choices import cached, publication_stamp
from taxonomy.models import Entity, Term

PAGE_SIZE = 25


def _records_page(request, live_filter, kept_as):
    """Published records whose live version matches ``live_filter``
    (a Q on RecordVersion), newest first, paginated.

    How many there are and each page's record ids are kept until the next
    publication, under ``kept_as`` (what ``live_filter`` asks: the row's
    kind and id, and for a term the terms under it) and the page's number:
    a term shared by 38,000 of 100,000 records took 360 ms to sort and count
    them at every request (bench/README.md, "Pages of entities and terms").
    The records themselves are read live."""
    live_versions = RecordVersion.objects.live().filter(live_filter)
    records = Record.objects.published().filter(live_version__in=live_versions)
    stamp = publication_stamp()
    count = cached(f"reference-records:{kept_as}:count", records.count, stamp)
    # Django's own paging of the number alone: a number that cannot be a
    # page's gives the first or the last, as before, and never a key.
    page = Paginator(range(count), PAGE_SIZE).get_page(request.GET.get("page"))
    ordered = records.order_by("-live_version__published_at", "-pk").values_list("pk", flat=True)
    start = (page.number - 1) * PAGE_SIZE
    ids = cached(
        f"reference-records:{kept_as}:{PAGE_SIZE}:{page.number}",
        lambda: list(ordered[start : start + PAGE_SIZE]),
        stamp,
    )
    found = Record.objects.published().filter(pk__in=ids).select_related("live_version").in_bulk()
    page.object_list = [found[pk] for pk in ids if pk in found]
    return page


def _ever_public(version_filter) -> bool:
    return RecordVersion.objects.published().filter(version_filter).exists()


def _holding(*parts) -> Q:
    """Versions (a Q on RecordVersion) holding any of ``parts`` (querysets of
    one kind of version part each): their ids in one subquery, a UNION of
    each kind's lookup by its index. As an OR of joins, PostgreSQL read
    every version to find an entity's or a term's records (250 ms, and as
    much again to count them, at 100,000 records: bench/README.md)."""
    first, *others = [part.values("version_id") for part in parts]
    return Q(pk__in=first.union(*others))


def involving(entity) -> Q:
    """Versions (a Q on RecordVersion) that involve ``entity``: in a role, or
    as an authority of a recommendation (named first or further)."""
    return _holding(
        EntityRole.objects.filter(entity=entity),
        PolicyRecommendation.objects.filter(authority=entity),
        RecommendationAuthority.objects.filter(entity=entity),
    )


def public_entity(slug):
    """The entity ``slug`` names, if a published version ever showed it; else None."""
    entity = Entity.objects.filter(slug=slug).first()
    return entity if entity is not None and _ever_public(involving(entity)) else None


# The group of records where the entity makes recommendations (after the roles).
AUTHORITY = "authority"


def _by_role(entity, records) -> list[dict]:
    """The records of one page grouped by the entity's role in their live
    version, in the order of ``Role``; a record with two roles is in both
    groups. Three queries, whatever the page's size."""
    versions = [record.live_version_id for record in records]
    roles = {}
    for version_id, role in EntityRole.objects.filter(entity=entity, version_id__in=versions).values_list(
        "version_id", "role"
    ):
        roles.setdefault(role, set()).add(version_id)
    authority = set(
        PolicyRecommendation.objects.filter(authority=entity, version_id__in=versions).values_list(
            "version_id", flat=True
        )
    ) | set(
        RecommendationAuthority.objects.filter(entity=entity, version_id__in=versions).values_list(
            "version_id", flat=True
        )
    )
    if authority:
        roles[AUTHORITY] = authority
    choices = [*Role.choices, (AUTHORITY, _("Author of recommendations"))]
    return [
        {"role": value, "label": label, "records": [r for r in records if r.live_version_id in roles[value]]}
        for value, label in choices
        if value in roles
    ]


@require_safe
def entity_detail(request, slug):
    try:
        entity = Entity.objects.get(slug=slug)
    except Entity.DoesNotExist:
        return _renamed_entity(slug)
    involves = involving(entity)
    if not _ever_public(involves):
        raise Http404
    page = _records_page(request, involves, f"entity-{entity.pk}")
    context = {
        "entity": pins.public_state(entity),
        "slug": entity.slug,  # where its page and feeds answer, whatever the name as published
        "page": page,
        "groups": _by_role(entity, list(page.object_list)),
    }
    return render(request, "incidents/entity_detail.html", context)


def _renamed_entity(slug):
    """A public entity whose slug was once ``slug``: its page moved (301), so
    links and citations to the old address keep working. The edit history
    knows every slug an entity had."""
    former = Entity.history.filter(slug=slug).order_by("-history_id").values_list("id", flat=True).first()
    entity = Entity.objects.filter(pk=former).first() if former is not None else None
    if entity is None or not _ever_public(involving(entity)):
        raise Http404
    return redirect("incidents:entity", slug=entity.slug, permanent=True)


def _descendants(term) -> list[int]:
    """The term and every term nested under it (one query for the taxonomy)."""
    children = {}
    for pk, parent_id in Term.objects.filter(taxonomy_id=term.taxonomy_id).values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, pending = [], [term.pk]
    while pending:
        pk = pending.pop()
        if pk in found:  # a cycle the admin failed to stop must not hang the page
            continue
        found.append(pk)
        pending.extend(children.get(pk, []))
    return found


def classified_under(term, terms=None) -> Q:
    """Versions (a Q on RecordVersion) classified under ``term`` (``terms``:
    it and the terms under it, when already read). A record classified
    under "Deepfakes" is also under its parent "Synthetic media"; a harm's
    type counts as a classification too."""
    terms = _descendants(term) if terms is None else terms
    return _holding(Classification.objects.filter(term__in=terms), Harm.objects.filter(harm_type__in=terms))


def public_term(taxonomy, slug):
    """The term of ``taxonomy`` named ``slug``, if a published version ever
    classified a record under it (or a narrower term); else None."""
    term = Term.objects.select_related("taxonomy", "parent").filter(taxonomy__slug=taxonomy, slug=slug).first()
    if term is None:
        return None
    terms = _descendants(term)
    term.classified = classified_under(term, terms)  # kept for the caller: one query less
    # What its records page is kept under: the term and the terms under it
    # now (moving a term elsewhere changes them, without a publication).
    term.kept_as = f"term-{term.pk}-" + hashlib.sha256(repr(sorted(terms)).encode()).hexdigest()[:16]
    return term if _ever_public(term.classified) else None


@require_safe
def term_detail(request, taxonomy, term):
    found = public_term(taxonomy, term)
    if found is None:
        raise Http404
    classified = found.classified
    shown = pins.public_state(found)
    shown.taxonomy = pins.public_state(found.taxonomy)
    context = {
        "term": shown,
        "slugs": (found.taxonomy.slug, found.slug),  # where its page and feeds answer
        "ancestors": [pins.public_state(ancestor) for ancestor in found.ancestors()],
        "mappings": list(found.mappings.all()),
        "page": _records_page(request, classified, found.kept_as),
    }
    return render(request, "incidents/term_detail.html", context)


@require_safe
def source_detail(request, pk):
    try:
        source = Source.objects.get(pk=pk)
    except Source.DoesNotExist:
        raise Http404 from None
    cites = Q(citations__source=source) | Q(recommendations__source=source)
    if not _ever_public(cites):
        raise Http404
    context = {"source": pins.public_state(source), "page": _records_page(request, cites, f"source-{source.pk}")}
    return render(request, "incidents/source_detail.html", context)
