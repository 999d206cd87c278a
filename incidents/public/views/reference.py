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

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from evidence.models import Source
from incidents import pins
from incidents.models import Record, RecordVersion
from taxonomy.models import Entity, Term

PAGE_SIZE = 25


def _records_page(request, live_filter):
    """Published records whose live version matches ``live_filter``
    (a Q on RecordVersion), newest first, paginated."""
    live_versions = RecordVersion.objects.live().filter(live_filter)
    records = (
        Record.objects.published()
        .filter(live_version__in=live_versions)
        .select_related("live_version")
        .order_by("-live_version__published_at", "-pk")
    )
    return Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))


def _ever_public(version_filter) -> bool:
    return RecordVersion.objects.published().filter(version_filter).exists()


def _involving(entity) -> Q:
    """Versions that name ``entity``: in a role, or as an authority of a recommendation."""
    return (
        Q(entity_roles__entity=entity)
        | Q(recommendations__authority=entity)
        | Q(recommendation_authorities__entity=entity)
    )


@require_safe
def entity_detail(request, slug):
    try:
        entity = Entity.objects.get(slug=slug)
    except Entity.DoesNotExist:
        return _renamed_entity(slug)
    involves = _involving(entity)
    if not _ever_public(involves):
        raise Http404
    context = {"entity": pins.public_state(entity), "page": _records_page(request, involves)}
    return render(request, "incidents/entity_detail.html", context)


def _renamed_entity(slug):
    """A public entity whose slug was once ``slug``: its page moved (301), so
    links and citations to the old address keep working. The edit history
    knows every slug an entity had."""
    former = Entity.history.filter(slug=slug).order_by("-history_id").values_list("id", flat=True).first()
    entity = Entity.objects.filter(pk=former).first() if former is not None else None
    if entity is None or not _ever_public(_involving(entity)):
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


@require_safe
def term_detail(request, taxonomy, term):
    try:
        found = Term.objects.select_related("taxonomy", "parent").get(taxonomy__slug=taxonomy, slug=term)
    except Term.DoesNotExist:
        raise Http404 from None
    # A record classified under "Deepfakes" is also under its parent
    # "Synthetic media"; a harm's type counts as a classification too.
    terms = _descendants(found)
    classified = Q(classifications__term__in=terms) | Q(harms__harm_type__in=terms)
    if not _ever_public(classified):
        raise Http404
    shown = pins.public_state(found)
    shown.taxonomy = pins.public_state(found.taxonomy)
    context = {
        "term": shown,
        "ancestors": [pins.public_state(ancestor) for ancestor in found.ancestors()],
        "mappings": list(found.mappings.all()),
        "page": _records_page(request, classified),
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
    context = {"source": pins.public_state(source), "page": _records_page(request, cites)}
    return render(request, "incidents/source_detail.html", context)
