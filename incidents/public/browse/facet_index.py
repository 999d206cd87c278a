"""
The facet counts of the public list, counted in memory (PostgreSQL only).

Why (bench/README.md, "List and search at scale"): at 100,000 published
records, counting every facet in SQL over a common word's 35,000 matches
took 300-450 ms, most of it PostgreSQL unnesting and grouping some 450,000
(row, entity or term) pairs; a filtered list read every entry to keep the
rows that fail at most one filter. Here each app process keeps the list
entries' facet values as numpy arrays (about 10 MB at 100,000 records) and
counts them in a few milliseconds: a filter is a boolean mask over the
entries, a facet's counts are a ``bincount`` of its values over the rows
that pass every *other* filter.

What is counted is exactly what ``ListEntry`` holds (the live versions,
kept by the workflow), read in one statement when a process first needs
it, and read again whenever the publication stamp or the taxonomies' tree
changes (``current``): the stamp moves with every publication, withdrawal,
redaction and restore, the tree with a term moved under another, the only
events that change the entries. The stamp is read before the entries, so
an index is never older than the stamp it is kept under. The search itself
stays in PostgreSQL (its GIN index): the ids of the matching entries are
read, then counted here. ``tests/test_facet_index.py`` requires the same
counts as the ORM's (SQLite's) path for every kind of filter.
"""

import threading
from dataclasses import dataclass

import numpy as np
from django.db import connections

from .choices import tree_digest

TABLE = "incidents_listentry"
# No date: compares as after every real day and before none.
NO_DAY = np.iinfo(np.int32).max


@dataclass
class Single:
    """A facet with one value per entry: each entry's value as a code
    (``codes``), and the value of each code (``values``)."""

    codes: np.ndarray
    values: list

    def mask(self, wanted) -> np.ndarray:
        wanted = set(wanted)
        wanted_codes = [code for code, value in enumerate(self.values) if value in wanted]
        return np.isin(self.codes, wanted_codes)

    def counts(self, rows) -> dict:
        found = np.bincount(self.codes[rows], minlength=len(self.values))
        return {self.values[code]: int(n) for code, n in enumerate(found) if n}


@dataclass
class Multiple:
    """A facet with any number of values per entry (countries, entities,
    terms, other databases), as pairs: ``rows[i]`` holds ``values[codes[i]]``."""

    rows: np.ndarray
    codes: np.ndarray
    values: np.ndarray

    def mask(self, wanted, size) -> np.ndarray:
        wanted_codes = np.flatnonzero(np.isin(self.values, np.asarray(list(wanted), dtype=self.values.dtype)))
        hit = np.zeros(size, dtype=bool)
        hit[self.rows[np.isin(self.codes, wanted_codes)]] = True
        return hit

    def found(self, rows) -> np.ndarray:
        """How many of ``rows`` (a mask) hold each code."""
        return np.bincount(self.codes[rows[self.rows]], minlength=len(self.values))

    def counts(self, rows, among=None) -> dict:
        """{value: number of ``rows`` holding it}, for the values in ``among`` (all if None)."""
        found = self.found(rows)
        codes = np.flatnonzero(found)
        if among is not None:
            codes = codes[np.isin(self.values[codes], np.asarray(sorted(among), dtype=self.values.dtype))]
        return {_plain(self.values[code]): int(found[code]) for code in codes}


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def numbers(text) -> np.ndarray:
    # Parsed in C, without a Python string per number.
    return np.fromstring(text, dtype=np.int64, sep=" ") if text.strip() else np.zeros(0, dtype=np.int64)


def _multiple(sizes, flat, position) -> Multiple:
    """Pairs from each entry's number of values (``sizes``, as text), all
    the values in the entries' order (``flat``), and where each entry goes
    in the index (``position``)."""
    sizes = numbers(sizes)
    values, codes = np.unique(flat, return_inverse=True)
    return Multiple(rows=np.repeat(position, sizes), codes=codes.ravel(), values=values)


class FacetIndex:
    """The facet values of every list entry, ordered by version id."""

    def __init__(self, columns: dict):
        # The statement reads the entries in no set order (every column in
        # the same one: one input row feeds every aggregate): sorted here.
        version_ids = numbers(columns["version_id"])
        order = np.argsort(version_ids, kind="stable")
        position = np.empty_like(order)
        position[order] = np.arange(len(order))
        self.version_ids = version_ids[order]
        self.size = len(order)
        self.kind = _single(np.array(columns["kind"].split(), dtype=object)[order])
        self.severity = _single(numbers(columns["severity"])[order])
        self.verification = _single(numbers(columns["verification_level"])[order])
        self.occurred_on = numbers(columns["occurred_on"])[order]
        self.occurred_until = numbers(columns["occurred_until"])[order]
        multiple = {
            "country": ("countries", np.array(columns["countries"].split(), dtype="U2")),
            "entity": ("entity_ids", numbers(columns["entity_ids"])),
            "term": ("term_ids", numbers(columns["term_ids"])),
            "external": ("databases", np.array(columns["databases"].split(), dtype="U20")),
        }
        for name, (column, flat) in multiple.items():
            setattr(self, name, _multiple(columns[f"{column}_sizes"], flat, position))

    @classmethod
    def read(cls, using="default") -> "FacetIndex":
        """Every entry's facet values, in one statement: each column comes
        as one text of space-separated values in version order (arrays as
        their sizes and their values), which numpy parses at once; read row
        by row into Python lists, 100,000 entries took seconds."""
        columns = {
            "version_id": "version_id::text",
            "kind": "kind",
            "severity": "severity::text",
            "verification_level": "verification_level::text",
            # Days as Python's ordinals (0001-01-01 is day 1); no date, NO_DAY.
            "occurred_on": f"coalesce((occurred_on - DATE '0001-01-01' + 1)::text, '{NO_DAY}')",
            "occurred_until": f"coalesce((occurred_until - DATE '0001-01-01' + 1)::text, '{NO_DAY}')",
        }
        for name in ("countries", "entity_ids", "term_ids", "databases"):
            columns[f"{name}_sizes"] = f"coalesce(cardinality({name}), 0)::text"
            columns[name] = f"coalesce(array_to_string({name}, ' '), '')"
        select = ", ".join(f"coalesce(string_agg({sql}, ' '), '')" for sql in columns.values())
        with connections[using].cursor() as cursor:
            cursor.execute(f"SELECT {select} FROM {TABLE}")  # noqa: S608 (our own SQL)
            return cls(dict(zip(columns, cursor.fetchone(), strict=True)))

    # Masks -------------------------------------------------------------------

    def among(self, version_ids) -> np.ndarray:
        """The mask of the entries of ``version_ids`` (ids without an entry are ignored)."""
        ids = np.sort(np.asarray(version_ids, dtype=np.int64))
        positions = np.searchsorted(self.version_ids, ids)
        inside = positions < self.size
        positions, ids = positions[inside], ids[inside]
        mask = np.zeros(self.size, dtype=bool)
        mask[positions[self.version_ids[positions] == ids]] = True
        return mask

    def dates(self, start, end) -> np.ndarray:
        """Entries whose occurrence (a day, or a range) overlaps [start, end]."""
        mask = self.occurred_on != NO_DAY
        if end:
            mask &= self.occurred_on <= end.toordinal()
        if start:
            begins = start.toordinal()
            # The occurrence ends on its last day, or on its only day.
            ends = np.where(self.occurred_until != NO_DAY, self.occurred_until, self.occurred_on)
            mask &= ends >= begins
        return mask


def _single(values) -> Single:
    labels, codes = np.unique(values, return_inverse=True)
    return Single(codes=codes.ravel(), values=labels.tolist())


# One index per database alias and process, replaced when its key changes.
_indexes: dict = {}
_lock = threading.Lock()


def current(key, using="default") -> FacetIndex:
    """The index of the entries as of ``key`` (the publication stamp and
    the taxonomies' tree, read before this call), read if this process
    holds none for that key."""
    held = _indexes.get(using)
    if held is not None and held[0] == key:
        return held[1]
    with _lock:
        held = _indexes.get(using)
        if held is None or held[0] != key:
            held = _indexes[using] = (key, FacetIndex.read(using))
    return held[1]


def forget():
    """Drop this process's indexes (tests start each from its own data)."""
    _indexes.clear()


def key(stamp, taxonomies) -> str:
    """What an index is kept under: the publication stamp and the tree of
    the public taxonomies (a term moved under another changes the entries'
    terms, which hold every broader term, and the tree)."""
    return f"{stamp}:{tree_digest(taxonomies)}"
