"""
A record page's reads in hand-written statements, on PostgreSQL.

A cold record page spent most of its time in Django building queries and
model instances, not in PostgreSQL (bench/README.md, "Record page cache").
Here each read the page needs is one statement written once per process
from the models' metadata, whose rows become the same model instances the
ORM would build (``Model.from_db``), attached as the ORM attaches them, so
every reader (templates, citations, the API and the export) reads them
unchanged:

- ``load``: the parts of versions, every kind in one statement (``json_agg``
  per kind), each reference row already chosen as the page shows it: its
  pinned state when the version is out of draft and the pin is of that
  very row, else the row as it is (incidents/pins.py, ``apply``, says the
  same in Python);
- ``stamp_row``: the record's stamp (``record_page.PageStamp``);
- ``versions_with_record``: its published versions with the record;
- ``neighbours``: its related records and the records merged into it.

What the ORM's reads filter, these filter with the same querysets: the
conditions of ``Record.objects.published()`` and the other named reads
(incidents/querysets.py) are compiled from the querysets themselves
(``named_read``), so what "published" means stays written in one place.
SQLite keeps the ORM's reads (``record_page``); tests/test_record_reads.py
checks that both read the same objects and that the pages are byte for byte
the same.
"""

import datetime
import json
from dataclasses import dataclass
from functools import cache

from django.db import connections

from incidents.models import VERSION_PART_MODELS, Record, RecordVersion, RelatedRecord
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
        return cls(model, tuple(field.attname for field in fields), tuple(converters))

    def sql(self, alias, table_model=None) -> str:
        """``json_build_array`` of the row's columns, read from ``alias``
        (a table of ``table_model``: the model's own, or its history table,
        whose columns have the same names)."""
        table_model = table_model or self.model
        columns = [table_model._meta.get_field(attname).column for attname in self.attnames]
        return "json_build_array({})".format(", ".join(f'{alias}."{column}"' for column in columns))

    def instance(self, values, using):
        """The model instance of a row read back from JSON (``values``, a
        list in the order of ``attnames``, converted in place)."""
        for position, convert in self.converters:
            values[position] = convert(values[position])
        return self.model.from_db(using, self.attnames, values)


# Running a statement ------------------------------------------------------------


class Param(str):
    """A parameter given when the statement runs (``_bind``), by name;
    any other value in a statement's parameters is a constant compiled
    with it."""


@cache
def named_read(name, using) -> tuple[str, list]:
    """(SQL, parameters) selecting the ids of a named read
    (incidents/querysets.py), compiled once from the queryset itself: what
    "published" means stays written in one place."""
    querysets = {
        "published records": lambda: Record.objects.published(),
        "merged records": lambda: Record.objects.merged(),
        # Those whose pages answer (published, withdrawn or merged): the
        # record page's own definition.
        "public records": lambda: _record_page()._public_records(),
        "published versions": lambda: RecordVersion.objects.published(),
    }
    sql, params = querysets[name]().order_by().values("pk").query.get_compiler(using).as_sql()
    return sql, list(params)


def _record_page():
    from incidents.public import record_page  # it imports this module

    return record_page


def _bind(params, values) -> list:
    return [values[param] if isinstance(param, Param) else param for param in params]


def _rows(using, sql, params, **values) -> list[tuple]:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, _bind(params, values))
        return cursor.fetchall()


def _json(using, sql, params, **values):
    ((text,),) = _rows(using, sql, params, **values)
    return json.loads(text)


# The parts' statement ---------------------------------------------------------


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


def _kind_sql(kind, using) -> tuple[str, list]:
    """(SQL giving the JSON array of this kind's parts of the versions, its
    parameters in order: ``_bind`` fills them). Each part is ``[version id,
    part, reference, …]``, a reference ``null`` when the part has none."""
    model = kind.model
    table = model._meta.db_table
    params = []
    joins, values = [], [Shape.of(model).sql("p")]
    aliases = {"": "p"}
    for n, reference in enumerate(kind.references):
        parent = aliases[reference.parent]
        holder = model if not reference.parent else _reference(kind, reference.parent).model
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
        params.append(Param("pinned"))
    where = "p.version_id = ANY(%s)"
    params.append(Param("versions"))
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
        published_sql, published_params = named_read("published records", using)
        where += f" AND p.hazard_id IN ({published_sql})"
        params += published_params
    # Names from the models' metadata; values are parameters.
    aggregate = f"json_agg(json_build_array(p.version_id, {', '.join(values)}) ORDER BY {_order_by(model, 'p')})"
    sql = f"(SELECT COALESCE({aggregate}, '[]') FROM \"{table}\" p {' '.join(joins)} WHERE {where})"  # noqa: S608 (our own SQL)
    # Parameters come in the order of the text: the CASEs, then the WHERE.
    return sql, params


def _reference(kind, path) -> Reference:
    return next(reference for reference in kind.references if reference.path == path)


@cache
def parts_statement(using) -> tuple[str, list]:
    """The statement reading the parts of versions, and its parameters."""
    columns, params = [], []
    for kind in kinds():
        sql, kind_params = _kind_sql(kind, using)
        columns.append(f"'{kind.accessor}', {sql}")
        params += kind_params
    return f"SELECT json_build_object({', '.join(columns)})::text", params


# Loading -----------------------------------------------------------------------


def load(versions, using="default"):
    """Attach to each of ``versions`` its parts of every kind, as
    ``prefetch_related_objects`` with ``record_page.PART_PREFETCHES`` and then
    ``pins.apply`` would: in one query."""
    versions = list(versions)
    if not versions:
        return
    sql, params = parts_statement(using)
    data = _json(
        using,
        sql,
        params,
        versions=[version.pk for version in versions],
        pinned=[version.pk for version in versions if version.status not in EDITABLE_STATUSES],
    )
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
    """As the ORM's prefetch does (``prefetch_one_level``): the version's
    manager answers ``.all()`` with these parts, without a query, and any
    other use of it (``.filter()``) is still limited to the version."""
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


# The record's stamp, versions and neighbours -------------------------------------


@cache
def _stamp_statement(using) -> tuple[str, list]:
    public_sql, public_params = named_read("public records", using)
    record, version = Record._meta.db_table, RecordVersion._meta.db_table
    sql = (
        "SELECT r.id, r.public_id, r.live_version_id, lv.number, r.updated_at, r.withdrawn_at, m.public_id "  # noqa: S608 (our own SQL)
        f'FROM "{record}" r LEFT JOIN "{version}" lv ON lv.id = r.live_version_id '
        f'LEFT JOIN "{record}" m ON m.id = r.merged_into_id '
        f"WHERE r.public_id = %s AND r.id IN ({public_sql})"
    )
    return sql, [Param("public_id"), *public_params]


def stamp_row(public_id, using="default") -> tuple | None:
    """The row of ``record_page.PageStamp`` (pk, public id, live version id
    and number, updated, withdrawn, the public id of the record it was
    merged into) of the public record at ``public_id``, or None."""
    sql, params = _stamp_statement(using)
    rows = _rows(using, sql, params, public_id=public_id)
    return rows[0] if rows else None


@cache
def _versions_statement(using) -> tuple[str, list]:
    published_sql, published_params = named_read("published versions", using)
    record, version = Record._meta.db_table, RecordVersion._meta.db_table
    versions = (
        f"SELECT COALESCE(json_agg({Shape.of(RecordVersion).sql('v')} ORDER BY v.number), '[]') "  # noqa: S608 (our own SQL)
        f'FROM "{version}" v WHERE v.record_id = %s AND v.id IN ({published_sql})'
    )
    sql = (
        f"SELECT json_build_array(({versions}), "  # noqa: S608 (our own SQL)
        f'(SELECT {Shape.of(Record).sql("r")} FROM "{record}" r WHERE r.id = %s))::text'
    )
    return sql, [Param("record"), *published_params, Param("record")]


def versions_with_record(record_pk, using="default") -> list:
    """``RecordVersion.objects.published().filter(record_id=record_pk)
    .select_related("record").order_by("number")`` in one statement: the
    versions, each with the record attached."""
    sql, params = _versions_statement(using)
    version_rows, record_row = _json(using, sql, params, record=record_pk)
    if not version_rows:
        return []
    record = Shape.of(Record).instance(record_row, using)
    field = RecordVersion._meta.get_field("record")
    versions = []
    for row in version_rows:
        version = Shape.of(RecordVersion).instance(row, using)
        field.set_cached_value(version, record)
        versions.append(version)
    return versions


NEIGHBOUR_COUNTS = ("rank", "shared_entities", "shared_harm_types", "shared_sectors", "shared_countries")


@cache
def _neighbours_statement(using) -> tuple[str, list]:
    published_sql, published_params = named_read("published records", using)
    merged_sql, merged_params = named_read("merged records", using)
    record, version = Record._meta.db_table, RecordVersion._meta.db_table
    counts = ", ".join(f'rr."{column}"' for column in NEIGHBOUR_COUNTS)
    sql = (
        f"SELECT COALESCE(json_agg(json_build_array({Shape.of(Record).sql('o')}, "  # noqa: S608 (our own SQL)
        f"CASE WHEN lv.id IS NULL THEN NULL ELSE {Shape.of(RecordVersion).sql('lv')} END, {counts})), '[]')::text "
        f'FROM "{record}" o '
        f'LEFT JOIN "{RelatedRecord._meta.db_table}" rr ON rr.related_id = o.id AND rr.record_id = %s '
        f'LEFT JOIN "{version}" lv ON lv.id = o.live_version_id '
        # The candidates first, by their indexes: with only the condition
        # below, PostgreSQL read every record and hashed every published id
        # (50-70 ms of each cold page at 100,000 records, bench/README.md).
        f'WHERE o.id IN (SELECT c.related_id FROM "{RelatedRecord._meta.db_table}" c WHERE c.record_id = %s '
        f'UNION ALL SELECT c.id FROM "{record}" c WHERE c.merged_into_id = %s) '
        # EXISTS, not IN: under an OR, IN hashed every published id.
        f'AND ((rr.id IS NOT NULL AND EXISTS (SELECT 1 FROM ({published_sql}) p WHERE p."pk" = o.id)) '
        f'OR (o.merged_into_id = %s AND EXISTS (SELECT 1 FROM ({merged_sql}) m WHERE m."pk" = o.id)))'
    )
    return sql, [
        Param("record"),
        Param("record"),
        Param("record"),
        *published_params,
        Param("record"),
        *merged_params,
    ]


def neighbours(record_pk, using="default") -> list:
    """The records ``record_page.neighbours`` reads, in one statement: the
    published records the record's related records name, and the records
    merged into it; each with its live version and the counts of its row
    (``related_rank``, ``shared_entities``, … ; None for a merged record
    that is not listed)."""
    sql, params = _neighbours_statement(using)
    found = []
    field = Record._meta.get_field("live_version")
    for record_row, live_row, *counts in _json(using, sql, params, record=record_pk):
        other = Shape.of(Record).instance(record_row, using)
        field.set_cached_value(other, Shape.of(RecordVersion).instance(live_row, using) if live_row else None)
        (
            other.related_rank,
            other.shared_entities,
            other.shared_harm_types,
            other.shared_sectors,
            other.shared_countries,
        ) = counts
        found.append(other)
    return found
