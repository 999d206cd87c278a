"""
Reviewed means pinned: what a version shows of shared reference data is what
its reviewers saw.

Sources, entities, terms and taxonomies are shared by many records and can
be edited at any time. So when a version is submitted for review, each of
its parts records the state of every reference row it shows: the row's
history record (django-simple-history keeps every state), in the part's
``*_state`` fields (``VersionPart.PINS`` lists them). From then on, every
page of that version (the review screen's previews, its permalink, its
citation files, its JSON-LD, the changes page) shows the rows in those
states, whatever happens to the rows later.

- ``pin(parts)`` sets the pins to the rows' current states (the workflow
  calls it at submission, and when reference data changes under a version
  in review);
- ``apply(versions)`` puts the pinned states in place of the live rows on
  loaded parts, for versions out of draft;
- ``stale_pins(version)`` names the rows changed since they were pinned.

Drafts are not pinned: their editors see the rows as they are, and the pins
are taken afresh at each submission.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, Max, OuterRef, Q

from .models import VERSION_PART_MODELS, RecordVersion, pinned_references
from .status import EDITABLE_STATUSES


def _resolve(part, path):
    """The object at ``path`` ("source", "term.taxonomy") from ``part``, or None."""
    obj = part
    for name in path.split("."):
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


def reviewed_instance(state):
    """A model instance holding a history record's values, as a page reads
    a row (built without the model's constructor, which modeltranslation
    would rewrite)."""
    model = state.instance_type
    names = [field.attname for field in model._meta.concrete_fields]
    return model.from_db(state._state.db, names, [getattr(state, name) for name in names])


def latest_states(rows) -> dict:
    """{(model, pk): the latest history record of that row} for ``rows``,
    one query per kind of row."""
    ids = defaultdict(set)
    for row in rows:
        ids[type(row)].add(row.pk)
    latest = {}
    for model, pks in ids.items():
        history = model.history.model
        newest = history.objects.filter(id__in=pks).values("id").annotate(top=Max("history_id"))
        for state in history.objects.filter(history_id__in=newest.values("top")):
            latest[(model, state.id)] = state
    return latest


def pin(parts) -> list:
    """Point each part's pins at the current state of the rows it shows;
    return the parts whose pins changed (the caller saves them)."""
    parts = list(parts)
    shown = [obj for part in parts for path, _field in part.PINS if (obj := _resolve(part, path)) is not None]
    latest = latest_states(shown)
    changed = []
    for part in parts:
        before = [getattr(part, f"{field}_id") for _path, field in part.PINS]
        for path, field in part.PINS:
            obj = _resolve(part, path)
            setattr(part, field, latest.get((type(obj), obj.pk)) if obj is not None else None)
        if [getattr(part, f"{field}_id") for _path, field in part.PINS] != before:
            changed.append(part)
    return changed


def apply(versions):
    """Show the reviewed states on the loaded parts of ``versions`` (with
    their pins loaded: ``select_related`` of the ``*_state`` fields), for
    every version out of draft."""
    for version in versions:
        if version.status in EDITABLE_STATUSES:
            continue
        for model in VERSION_PART_MODELS:
            if not model.PINS:
                continue
            for part in getattr(version, model._meta.get_field("version").remote_field.get_accessor_name()).all():
                _apply_to_part(part)


def _apply_to_part(part):
    for path, field in part.PINS:
        state = getattr(part, field)
        *parents, name = path.split(".")
        holder = _resolve(part, ".".join(parents)) if parents else part
        live = getattr(holder, name, None) if holder is not None else None
        if state is None or live is None or state.id != live.pk:
            continue  # not pinned (data from before pins), or pinned to another row
        reviewed = reviewed_instance(state)
        # Related rows already loaded with the live row (a term's taxonomy)
        # stay attached, unless a later pin replaces them.
        for relation, related in live._state.fields_cache.items():
            reviewed._state.fields_cache.setdefault(relation, related)
        setattr(holder, name, reviewed)


@dataclass(frozen=True)
class StalePin:
    """A reference row shown by a version, changed since the version pinned it."""

    row: object  # the row as it is now
    pinned: object  # the history record the version shows
    latest: object  # its latest history record


def stale_pins(version) -> list[StalePin]:
    """The reference rows ``version`` shows whose pinned state is no longer
    their latest (or that are not pinned at all)."""
    found = []
    parts = []
    for model in VERSION_PART_MODELS:
        if model.PINS:
            related = [path.replace(".", "__") for path, _field in model.PINS]
            parts += list(model.objects.filter(version=version).select_related(*related))
    shown = [(part, path, field, obj) for part in parts for path, field in part.PINS if (obj := _resolve(part, path))]
    latest = latest_states([obj for _part, _path, _field, obj in shown])
    seen = set()
    for part, _path, field, obj in shown:
        key = (type(obj), obj.pk)
        newest = latest.get(key)
        pinned_id = getattr(part, f"{field}_id")
        if newest is not None and pinned_id != newest.history_id and key not in seen:
            seen.add(key)
            found.append(StalePin(obj, getattr(part, field), newest))
    return found


def public_state(obj):
    """The reference row ``obj`` as the public sees it: in the state the
    latest published version showing it was reviewed with; as it is, when
    no published version pinned it (data from before pins). One query."""
    pinned = _pinned_by_a_published_part(type(obj))
    state = type(obj).history.filter(pinned, id=obj.pk).order_by("-history_id").first() if pinned else None
    return reviewed_instance(state) if state is not None else obj


def _pinned_by_a_published_part(model) -> Q:
    """A condition on ``model``'s history rows: a part of a published version
    pins the state. Each state is asked, by the index on each kind of
    part's state column (EXISTS), so the cost follows the number of states,
    not of parts. Asked as "IN (the states every published part pins)",
    PostgreSQL read every published classification and harm: at 100,000
    records 490 ms of a term's page, 1.5 s of the taxonomies' index
    (bench/README.md, "Pages of entities and terms")."""
    pinned = Q()
    for reference in pinned_references():
        if reference.target is model:
            # The published filter before the outer reference: in the other
            # order Django fails to resolve the subquery (the historical
            # model's foreign key names its target by a string).
            parts = reference.part_model.objects.filter(version__in=RecordVersion.objects.published()).filter(
                **{f"{reference.state_field}_id": OuterRef("history_id")}
            )
            pinned |= Q(Exists(parts))
    return pinned


def public_rows(model):
    """Every row of ``model`` (Source, Entity, Term, Taxonomy) that a published
    version shows, each as the public sees it (``public_state``), in one
    query whatever their number: the states that published versions pin,
    the latest of each row kept. Unordered: sort as needed."""
    pinned = _pinned_by_a_published_part(model)
    if not pinned:
        return []
    states = model.history.filter(pinned).order_by("id", "-history_id")
    latest = {}
    for state in states:
        latest.setdefault(state.id, state)  # the first of each id is its latest pin
    return [reviewed_instance(state) for state in latest.values()]
