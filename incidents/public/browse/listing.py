"""
The public list on PostgreSQL, read from its entries (``ListEntry``): one
narrow row per live version with the facet values as arrays and one search
document per language (migration 0014_list_entries).

Why (bench/README.md, "List and search at scale"): at 100,000 records,
counting each facet over the matching versions joined to records and part
tables took 100–300 ms a facet, and a common word's text search 0.7–3 s.
Here a page is three statements on one table:

- the facet counts, all of them in one statement: the rows that match the
  search and all filters but at most one are read once (by the search's
  GIN index when there is a search), each filter's outcome kept as a flag,
  and each facet counts the rows whose *other* flags hold;
- the ids of the page's versions, in the page's order (for relevance, the
  ``search.RANK_CAP`` newest matches are ranked, as in ``search``);
- the page's versions themselves, read through
  ``RecordVersion.objects.live()``: whatever the entries say, only live
  versions are ever shown.

The entries hold only live versions (``workflow.refresh_list_entries``, in
the transaction of every event that changes them; tests/test_list_entries.py
checks each). SQLite has no such columns: there the list stays on
``RecordVersion.objects.live()`` and the part tables (``query``, ``facets``).
"""

from functools import cached_property

from django.db import connections, transaction

from incidents.models import RecordVersion

from . import search
from .form import Sort

TABLE = "incidents_listentry"

# How many entities the entity facet lists (as facets.ENTITY_FACET_SIZE).
ENTITY_FACET_SIZE = 15


def available(using="default") -> bool:
    return connections[using].vendor == "postgresql"


class Listing:
    """One request's list (a ``RecordBrowser``) read from the entries."""

    def __init__(self, browser, using="default"):
        self.browser = browser
        self.form = browser.form
        self.using = using

    # Conditions ------------------------------------------------------------

    @cached_property
    def conditions(self) -> dict:
        """{filter name: (SQL on the entry ``e``, params)} for every valid
        filter given (the same filters as ``RecordBrowser.active_filters``)."""
        value = self.form.value
        conditions = {}
        if value("kind"):
            conditions["kind"] = ("e.kind = ANY(%s)", [list(value("kind"))])
        if value("severity"):
            conditions["severity"] = ("e.severity = ANY(%s)", [[int(v) for v in value("severity")]])
        if value("verification"):
            conditions["verification"] = ("e.verification_level = ANY(%s)", [[int(v) for v in value("verification")]])
        if value("country"):
            conditions["country"] = ("e.countries && %s::varchar(2)[]", [[str(v) for v in value("country")]])
        if value("entity"):
            conditions["entity"] = (
                "e.entity_ids && ARRAY(SELECT id FROM taxonomy_entity WHERE slug = ANY(%s))",
                [list(value("entity"))],
            )
        if value("external"):
            conditions["external"] = ("e.databases && %s::varchar(20)[]", [list(value("external"))])
        for taxonomy in self.browser.taxonomies:
            slugs = value(taxonomy.field_name)
            if slugs:
                ids = set().union(*(taxonomy.subtree[taxonomy.terms[slug].pk] for slug in slugs))
                conditions[taxonomy.field_name] = ("e.term_ids && %s::bigint[]", [sorted(ids)])
        start, end = value("date_from"), value("date_to")
        if start or end:
            parts, params = ["e.occurred_on IS NOT NULL"], []
            if end:
                parts.append("e.occurred_on <= %s")
                params.append(end)
            if start:
                parts.append("(e.occurred_until >= %s OR (e.occurred_until IS NULL AND e.occurred_on >= %s))")
                params += [start, start]
            conditions["dates"] = (" AND ".join(parts), params)
        return conditions

    @property
    def _search(self):
        """(SQL, params) of the text search on the entry ``e``, or None."""
        browser = self.browser
        if not browser.query:
            return None
        lang = search._language(browser.lang)
        return (
            f"e.search_{lang} @@ websearch_to_tsquery(%s::regconfig, %s)",
            [search.CONFIGS[lang], browser.query],
        )

    def _where(self):
        """WHERE clause (with its params) of the rows matching everything."""
        parts = [c for c in [self._search, *self.conditions.values()] if c]
        if not parts:
            return "", []
        return " WHERE " + " AND ".join(f"({sql})" for sql, _p in parts), [p for _sql, params in parts for p in params]

    def _execute(self, sql, params):
        connection = connections[self.using]
        if not self._search:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        # The documents are stored out of line (0014_list_entries): the
        # table's rows are narrow, so PostgreSQL's estimate of a sequential
        # scan ignores that it must fetch and decompress every row's
        # document to match it, several times slower than the GIN index
        # (bench/README.md, "List and search at scale": 870 ms against
        # 30 ms for a word in a third of the records). Sequential scans are
        # turned off for the search's statements only, then restored.
        with transaction.atomic(using=self.using), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_seqscan')")
            (previous,) = cursor.fetchone()
            cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])
        return rows

    # Facet counts ------------------------------------------------------------

    def facet_counts(self) -> dict:
        """Every facet's counts, keyed as ``facets.FacetSet.counts``, in one
        statement. Each facet counts the matching rows with every filter
        applied but its own."""
        names = list(self.conditions)
        flags = {name: f"f{index}" for index, name in enumerate(names)}
        select, params = [], []
        for name in names:
            sql, condition_params = self.conditions[name]
            select.append(f"coalesce(({sql}), false) AS {flags[name]}")
            params += condition_params
        where, where_params = [], []
        if self._search:
            where.append(self._search[0])
            where_params += self._search[1]
        params += where_params
        base = (
            "SELECT e.kind, e.severity, e.verification_level, e.countries, e.entity_ids, e.term_ids, e.databases"  # noqa: S608 (our own SQL; values are parameters)
            + "".join(f", {expression}" for expression in select)
            + f" FROM {TABLE} e"
            + (" WHERE " + " AND ".join(f"({sql})" for sql in where) if where else "")
        )
        if len(names) > 1:
            # A row counts for some facet only if it fails at most one filter.
            held = " + ".join(f"b.{flags[n]}::int" for n in names)
            base = f"SELECT * FROM ({base}) b WHERE {held} >= {len(names) - 1}"  # noqa: S608 (our own SQL)

        def others(name):
            """Rows that pass every filter but ``name``'s."""
            held = [f"m.{flags[n]}" for n in names if n != name]
            return " AND ".join(held) if held else "TRUE"

        branches, branch_params = [], []
        for name, column in (("kind", "kind"), ("severity", "severity"), ("verification", "verification_level")):
            branches.append(f"SELECT '{name}', m.{column}::text, count(*) FROM m WHERE {others(name)} GROUP BY 2")  # noqa: S608 (our own SQL; values are parameters)
        for name, column in (("country", "countries"), ("external", "databases")):
            branches.append(
                f"SELECT '{name}', x::text, count(*) FROM m, unnest(m.{column}) x WHERE {others(name)} GROUP BY 2"  # noqa: S608 (our own SQL; values are parameters)
            )
        branches.append(
            # Ties broken by slug, not id: the same facet after a restore.
            "(SELECT 'entity', x::text, count(*) FROM m, unnest(m.entity_ids) x"  # noqa: S608 (our own SQL; values are parameters)
            " JOIN taxonomy_entity te ON te.id = x"
            f" WHERE {others('entity')} GROUP BY x, te.slug ORDER BY 3 DESC, te.slug LIMIT {ENTITY_FACET_SIZE})"
        )
        selected = self.form.value("entity", [])
        if selected:
            branches.append(
                "SELECT 'entity', x::text, count(*) FROM m, unnest(m.entity_ids) x"  # noqa: S608 (our own SQL; values are parameters)
                f" WHERE {others('entity')} AND x = ANY(ARRAY(SELECT id FROM taxonomy_entity WHERE slug = ANY(%s)))"
                " GROUP BY x"
            )
            branch_params.append(list(selected))
        taxonomies = self.browser.taxonomies
        unselected = [t for t in taxonomies if t.field_name not in self.conditions]
        groups = [(None, unselected)] if unselected else []
        groups += [(t.field_name, [t]) for t in taxonomies if t.field_name in self.conditions]
        for name, members in groups:
            ids = sorted({pk for t in members for pk in t.subtree})
            branches.append(
                "SELECT 'term', x::text, count(*) FROM m, unnest(m.term_ids) x"  # noqa: S608 (our own SQL; values are parameters)
                f" WHERE {others(name)} AND x = ANY(%s::bigint[]) GROUP BY 2"
            )
            branch_params.append(ids)
        sql = f"WITH m AS MATERIALIZED ({base}) " + " UNION ALL ".join(branches)
        counts = {
            "kind": {},
            "severity": {},
            "verification": {},
            "country": {},
            "entity": {},
            "external": {},
            "term": {},
        }
        for facet, key, n in self._execute(sql, params + branch_params):
            if facet in ("severity", "verification", "entity", "term"):
                key = int(key)
            counts[facet][key] = n
        return counts

    # Results -----------------------------------------------------------------

    def count(self) -> int:
        where, params = self._where()
        return self._execute(f"SELECT count(*) FROM {TABLE} e{where}", params)[0][0]  # noqa: S608 (our own SQL)

    def _order(self, total):
        """ORDER BY clause (with its params, and the JOIN it needs)."""
        sort = self.browser.sort
        if sort == Sort.RELEVANCE and self._search:
            sql, params = self._search
            tsquery = sql.split(" @@ ", 1)[1]
            lang = search._language(self.browser.lang)
            rank = f"ts_rank(e.search_{lang}, {tsquery})"
            threshold = self._rank_threshold(total)
            if threshold is not None:
                rank = f"CASE WHEN e.version_id >= %s THEN {rank} ELSE -1 END"
                params = [threshold, *params]
            return "", f"{rank} DESC, e.published_at DESC, e.version_id DESC", params
        if sort == Sort.UPDATED:
            return "", "e.published_at DESC, e.version_id DESC", []
        if sort == Sort.OCCURRED:
            return "", "e.occurred_on DESC NULLS LAST, e.published_at DESC, e.version_id DESC", []
        if sort == Sort.SEVERITY:
            return "", "e.severity DESC, e.published_at DESC, e.version_id DESC", []
        if sort == Sort.TITLE:
            lang = self.browser.lang
            title = "v.title_en" if lang == "en" else f"coalesce(nullif(btrim(v.title_{lang}), ''), v.title_en)"
            collation = self.browser.title_collation(self.using)
            title = f'{title} COLLATE "{collation}"' if collation else f"lower({title})"
            return " JOIN incidents_recordversion v ON v.id = e.version_id", f"{title}, e.version_id", []
        return "", "e.first_published_at DESC, e.version_id DESC", []

    def _rank_threshold(self, total):
        """The ``RANK_CAP``-th highest matching version id (None when fewer
        match): only the newest matches are ranked, as ``search`` does.

        ``version_id + 0``: sorted from the rows the search's index finds,
        not by walking the primary key and reading each row's document."""
        if total <= search.RANK_CAP:
            return None
        where, params = self._where()
        rows = self._execute(
            f"SELECT min(id) FROM (SELECT e.version_id + 0 AS id FROM {TABLE} e{where}"  # noqa: S608 (our own SQL)
            f" ORDER BY 1 DESC LIMIT {search.RANK_CAP}) s",
            params,
        )
        return rows[0][0]

    def version_ids(self, offset, limit, total) -> list[int]:
        where, params = self._where()
        join, order, order_params = self._order(total)
        rows = self._execute(
            f"SELECT e.version_id FROM {TABLE} e{join}{where} ORDER BY {order} LIMIT %s OFFSET %s",  # noqa: S608 (our own SQL)
            [*params, *order_params, limit, offset],
        )
        return [row[0] for row in rows]

    def results(self, total=None):
        return Results(self, total)


class Results:
    """The matching live versions in the page's order, sliced like a list
    (for ``Paginator`` and the API): each slice is two queries, the ids
    from the entries, then the versions through
    ``RecordVersion.objects.live()``."""

    def __init__(self, listing, total=None):
        self.listing = listing
        self._total = total

    def count(self):
        if self._total is None:
            self._total = self.listing.count()
        return self._total

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("Results are read by slices.")
        start = index.start or 0
        stop = index.stop if index.stop is not None else self.count()
        if stop <= start:
            return []
        ids = self.listing.version_ids(start, stop - start, self.count())
        versions = RecordVersion.objects.live().filter(pk__in=ids).select_related("record").in_bulk()
        return [versions[pk] for pk in ids if pk in versions]
