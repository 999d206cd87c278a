"""
The parts of versions in one statement, on PostgreSQL.

``record_page.prefetch_parts`` loads a version's parts (harms, citations, …)
with the reference rows they show, as their reviewers saw them. Through the
ORM that was one query per kind of part, and most of a cold record page's
time went into Django building those queries and their model instances, not
into PostgreSQL (bench/README.md, "Record page cache"). Here one statement,
written once per process from the models' metadata, returns every part of
every kind as JSON (``json_agg`` per kind), with each reference row already
chosen as the page shows it: its pinned state when the version is out of
draft and the pin is of that very row, else the row as it is
(incidents/pins.py, ``apply``, says the same in Python). The rows become
the same model instances the ORM would build (``Model.from_db``), attached
as the ORM's prefetch attaches them, so every reader (templates, citations,
the API and the export) reads them unchanged.

What the ORM path filters, this one filters with the same querysets: a
hazard link shows only a hazard in ``Record.objects.published()``, whose SQL
is compiled from that queryset. SQLite keeps the ORM path
(``record_page.prefetch_parts``); tests/test_record_parts.py checks that both
load the same objects and that the pages are byte for byte the same.
"""

import datetime
import json
from dataclasses import dataclass
from functools import cache

from django.db import connections

from incidents.models import VERSION_PART_MODELS, Record, RecordVersion
from incidents.status import EDITABLE_STATUSES


def available(using="default") -> bool:
    return connections[using].vendor == "postgresql"


# Reading one row -------------------------------------------------------------


def _date(value):
    return datetime.date.fromisoformat(value) if value is not None else None


def _datetime(value):
    # json_agg writes timestamptz in ISO 8601 with its offset (the session's
    # time zone, UTC under Django): an aware datetime, as the ORM reads it.
    return datetime.datetime.fromisoformat(value) if value is not None else None


# JSON gives strings for these; everything else a part or a reference row
# holds (text, integers, booleans, null) comes back as the ORM reads it. A
# JSONField comes back decoded already.
_CONVERTERS = {"DateField": _date, "DateTimeField": _datetime}
_PASSED_AS_IS = {
    "AutoField",
    "BigAutoField",
    "BooleanField",
    "CharField",
    "ForeignKey",
    "IntegerField",
    "JSONField",
    "OneToOneField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "URLField",
}


@dataclass(frozen=True)
class Shape:
    """How a model's row is written in the statement and read back."""

    model: type
    attnames: tuple[str, ...]
    columns: tuple[str, ...]
    converters: tuple[tuple[int, object], ...]  # (position, function) of values to convert

    @classmethod
    @cache
    def of(cls, model):
        fields = model._meta.concrete_fields
        converters = []
        for position, field in enumerate(fields):
            kind = field.get_internal_type()
            if kind in _CONVERTERS:
                converters.append((position, _CONVERTERS[kind]))
            elif kind not in _PASSED_AS_IS:
                # A field type this module has not been taught to read back
                # from JSON: refuse rather than build a wrong instance.
                raise TypeError(f"{model.__name__}.{field.name}: {kind} is not read back from JSON")
        return cls(
            model,
            tuple(field.attname for field in fields),
            tuple(field.column for field in fields),
            tuple(converters),
        )

    def sql(self, alias, table_model=None) -> str:
        """``json_build_array`` of the row's columns, read from ``alias``
        (a table of ``table_model``: the model's own, or its history table,
        whose columns have the same names)."""
        table_model = table_model or self.model
        columns = [table_model._meta.get_field(attname).column for attname in self.attnames]
        return "json_build_array({})".format(", ".join(f'{alias}."{column}"' for column in columns))

    def instance(self, values, using):
        for position, convert in self.converters:
            values[position] = convert(values[position])
        return self.model.from_db(using, self.attnames, values)


# The statement ---------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """A reference row a kind of part shows (``PINS``): the path from the
    part, the foreign key to it, the model, and the pin's column."""

    path: str
    name: str  # the last step: "taxonomy"
    parent: str  # the path of the object holding it, "" for the part itself
    model: type
    state_model: type | None
    state_column: str | None


@dataclass(frozen=True)
class Kind:
    """One kind of part: its model, the version's accessor (``harms``), the
    reference rows it shows, and its SQL."""

    model: type
    accessor: str
    references: tuple[Reference, ...]


def _references(model) -> tuple[Reference, ...]:
    references = []
    for path, state_field in model.PINS:
        *parents, name = path.split(".")
        holder = model
        for step in parents:
            holder = holder._meta.get_field(step).related_model
        state = model._meta.get_field(state_field)
        references.append(
            Reference(
                path=path,
                name=name,
                parent=".".join(parents),
                model=holder._meta.get_field(name).related_model,
                state_model=state.remote_field.model,
                state_column=state.column,
            )
        )
    return tuple(references)


def _order_by(model, alias) -> str:
    terms = []
    for name in model._meta.ordering:
        descending = name.startswith("-")
        column = model._meta.get_field(name.lstrip("-")).column
        terms.append(f'{alias}."{column}"{" DESC" if descending else ""}')
    return ", ".join(terms)


@cache
def kinds() -> tuple[Kind, ...]:
    found = []
    for model in VERSION_PART_MODELS:
        accessor = model._meta.get_field("version").remote_field.get_accessor_name()
        found.append(Kind(model, accessor, _references(model)))
    return tuple(found)


def _kind_sql(kind, published_hazards) -> tuple[str, list[str]]:
    """(SQL giving the JSON array of this kind's parts of the versions, the
    names of its parameters in order). Each part is ``[version id, part,
    reference, …]``, a reference ``null`` when the part has none."""
    model = kind.model
    table = model._meta.db_table
    params = []
    joins, values = [], [Shape.of(model).sql("p")]
    aliases = {"": "p"}
    for n, reference in enumerate(kind.references):
        parent = aliases[reference.parent]
        holder = model if not reference.parent else kind_reference(kind, reference.parent).model
        fk_column = holder._meta.get_field(reference.name).column
        live, state = f"r{n}", f"s{n}"
        aliases[reference.path] = live
        target = reference.model._meta
        joins.append(f'LEFT JOIN "{target.db_table}" {live} ON {live}."{target.pk.column}" = {parent}."{fk_column}"')
        state_meta = reference.state_model._meta
        joins.append(
            f'LEFT JOIN "{state_meta.db_table}" {state} ON {state}."{state_meta.pk.column}" = p."{reference.state_column}"'
        )
        shape = Shape.of(reference.model)
        # The row as reviewed, when the version is out of draft and the pin
        # is of this very row (pins._apply_to_part); else the row as it is.
        values.append(
            f'CASE WHEN {live}."{target.pk.column}" IS NULL THEN NULL '
            f'WHEN p.version_id = ANY(%s) AND {state}."id" = {live}."{target.pk.column}" '
            f"THEN {shape.sql(state, reference.state_model)} ELSE {shape.sql(live)} END"
        )
        params.append("pinned")
    where = "p.version_id = ANY(%s)"
    params.append("versions")
    if model._meta.model_name == "hazardlink":
        # Only hazards the public may read, with their live version (the
        # ORM path: filter(hazard__in=Record.objects.published())).
        hazard, version = Record._meta, RecordVersion._meta
        joins.append(f'JOIN "{hazard.db_table}" h ON h.id = p.hazard_id')
        joins.append(f'LEFT JOIN "{version.db_table}" hv ON hv.id = h.live_version_id')
        values += [
            Shape.of(Record).sql("h"),
            f"CASE WHEN hv.id IS NULL THEN NULL ELSE {Shape.of(RecordVersion).sql('hv')} END",
        ]
        where += f" AND p.hazard_id IN ({published_hazards[0]})"
        params.append("published_hazards")
    # Names from the models' metadata; values are parameters.
    aggregate = f"json_agg(json_build_array(p.version_id, {', '.join(values)}) ORDER BY {_order_by(model, 'p')})"
    sql = f"(SELECT COALESCE({aggregate}, '[]') FROM \"{table}\" p {' '.join(joins)} WHERE {where})"  # noqa: S608 (our own SQL)
    # Parameters come in the order of the text: the CASEs, then the WHERE.
    return sql, params


def kind_reference(kind, path) -> Reference:
    return next(reference for reference in kind.references if reference.path == path)


@cache
def statement(using) -> tuple[str, list[str], list]:
    """(the statement, its parameters' names in order, the compiled
    parameters of ``Record.objects.published()``)."""
    published = Record.objects.published().values("pk").query.get_compiler(using).as_sql()
    columns, names = [], []
    for kind in kinds():
        sql, params = _kind_sql(kind, published)
        columns.append(f"'{kind.accessor}', {sql}")
        names += params
    return f"SELECT json_build_object({', '.join(columns)})::text", names, list(published[1])


# Loading -----------------------------------------------------------------------


def load(versions, using="default"):
    """Attach to each of ``versions`` its parts of every kind, as
    ``prefetch_related_objects`` with ``record_page.PART_PREFETCHES`` and then
    ``pins.apply`` would: in one query."""
    versions = list(versions)
    if not versions:
        return
    sql, names, published_params = statement(using)
    values = {
        "versions": [version.pk for version in versions],
        "pinned": [version.pk for version in versions if version.status not in EDITABLE_STATUSES],
    }
    params = []
    for name in names:
        if name == "published_hazards":
            params += published_params
        else:
            params.append(values[name])
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        (text,) = cursor.fetchone()
    data = json.loads(text)
    by_id = {version.pk: version for version in versions}
    for kind in kinds():
        parts = {version.pk: [] for version in versions}
        for row in data[kind.accessor]:
            version = by_id[row[0]]
            parts[version.pk].append(_part(kind, row[1:], version, using))
        for version in versions:
            _attach(version, kind, parts[version.pk])
    for version in versions:
        _link_authorities(version)


def _part(kind, row, version, using):
    model = kind.model
    part = Shape.of(model).instance(row[0], using)
    model._meta.get_field("version").set_cached_value(part, version)
    objects = {"": part}
    for reference, values in zip(kind.references, row[1 : 1 + len(kind.references)], strict=True):
        holder = objects[reference.parent]
        shown = Shape.of(reference.model).instance(values, using) if values is not None else None
        if holder is not None:
            holder._meta.get_field(reference.name).set_cached_value(holder, shown)
        objects[reference.path] = shown
    if model._meta.model_name == "hazardlink":
        hazard_values, live_values = row[-2:]
        hazard = Shape.of(Record).instance(hazard_values, using)
        live = Shape.of(RecordVersion).instance(live_values, using) if live_values is not None else None
        Record._meta.get_field("live_version").set_cached_value(hazard, live)
        model._meta.get_field("hazard").set_cached_value(part, hazard)
    return part


def _attach(version, kind, parts):
    """As the ORM's prefetch does: the version's manager answers ``.all()``
    with these parts, without a query."""
    manager = getattr(version, kind.accessor)
    queryset = manager._apply_rel_filters(kind.model.objects.all())
    queryset._result_cache = parts
    queryset._prefetch_done = True
    version._prefetched_objects_cache = getattr(version, "_prefetched_objects_cache", {})
    version._prefetched_objects_cache[kind.accessor] = queryset


def _link_authorities(version):
    """A further authority's recommendation is one of the version's own
    (``PolicyRecommendation.authorities`` reads only its id)."""
    recommendations = {r.pk: r for r in version.recommendations.all()}
    for row in version.recommendation_authorities.all():
        recommendation = recommendations.get(row.recommendation_id)
        if recommendation is not None:
            row._meta.get_field("recommendation").set_cached_value(row, recommendation)
