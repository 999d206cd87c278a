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

import numpy as np
from django.db import connections, transaction

from incidents.models import RecordVersion
from taxonomy.models import Entity

from . import facet_index, search
from .choices import cached
from .facets import ENTITY_FACET_SIZE
from .form import Sort

TABLE = "incidents_listentry"


def available(using="default") -> bool:
    return connections[using].vendor == "postgresql"


class Listing:
    """One request's list (a ``RecordBrowser``) read from the entries."""

    def __init__(self, browser, using="default"):
        self.browser = browser
        self.form = browser.form
        self.using = using
        # The version ids of the entries matching the search and every
        # filter, when this request counted the facets (``facet_counts``);
        # None when the counts came from the cache.
        self.selected_ids = None

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

    @cached_property
    def _tsquery(self):
        """(SQL, params) of the search's tsquery, or None."""
        if not self.browser.query:
            return None
        return "websearch_to_tsquery(%s::regconfig, %s)", [search.CONFIGS[self._lang], self.browser.query]

    @property
    def _lang(self):
        return search._language(self.browser.lang)

    @cached_property
    def _search(self):
        """(SQL, params) of the text search on the entry ``e``, or None.

        A phrase's words must also be side by side in the pairs of words of
        the document, which an index answers (``search.adjacent_pairs``):
        without it, PostgreSQL re-reads every document holding the words
        anywhere for their positions (49,000 documents, 300-800 ms, for
        "medical advice" at 100,000 records, for 193 matches)."""
        if not self._tsquery:
            return None
        sql, params = self._tsquery
        column = f"e.search_{self._lang}"
        condition = f"{column} @@ {sql}"
        pairs = search.adjacent_pairs(self.browser.query, self._lang, self.using)
        if pairs:
            # In a subquery, so that the pairs come from their index alone:
            # beside the document's condition in one scan, PostgreSQL would
            # recompute each candidate's pairs when rechecking the phrase
            # (about 1 ms a document).
            condition += (
                f" AND e.version_id IN (SELECT p.version_id FROM {TABLE} p"  # noqa: S608 (our own SQL)
                f" WHERE dossier_bigrams(p.search_{self._lang}) @@ %s::tsquery)"
            )
            params = [*params, pairs]
        return condition, params

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

    def matching_ids(self) -> np.ndarray:
        """The version ids of the entries matching the search (by its GIN
        index), as one text that numpy parses: 35,000 rows turned into
        Python ints one by one took about 10 ms."""
        where, params = self._search
        rows = self._execute(f"SELECT string_agg(e.version_id::text, ' ') FROM {TABLE} e WHERE {where}", params)  # noqa: S608 (our own SQL; values are parameters)
        return facet_index.numbers(rows[0][0] or "")

    def facet_counts(self) -> dict:
        """Every facet's counts, keyed as ``facets.FacetSet.counts``, from the
        process's index of the entries (``facet_index``). Each facet counts
        the matching rows with every filter applied but its own."""
        index = facet_index.current(facet_index.key(self.browser.stamp, self.browser.taxonomies), self.using)
        value = self.form.value
        masks = {}
        if value("kind"):
            masks["kind"] = index.kind.mask(value("kind"))
        if value("severity"):
            masks["severity"] = index.severity.mask([int(v) for v in value("severity")])
        if value("verification"):
            masks["verification"] = index.verification.mask([int(v) for v in value("verification")])
        if value("country"):
            masks["country"] = index.country.mask([str(v) for v in value("country")], index.size)
        selected_entities = []
        if value("entity"):
            selected_entities = list(Entity.objects.filter(slug__in=value("entity")).values_list("pk", flat=True))
            masks["entity"] = index.entity.mask(selected_entities, index.size)
        if value("external"):
            masks["external"] = index.external.mask(value("external"), index.size)
        for taxonomy in self.browser.taxonomies:
            slugs = value(taxonomy.field_name)
            if slugs:
                ids = set().union(*(taxonomy.subtree[taxonomy.terms[slug].pk] for slug in slugs))
                masks[taxonomy.field_name] = index.term.mask(ids, index.size)
        if value("date_from") or value("date_to"):
            masks["dates"] = index.dates(value("date_from"), value("date_to"))
        matching = index.among(self.matching_ids()) if self._search else np.ones(index.size, dtype=bool)
        if self._search:
            # What the page's results are, known now: its ids spare the
            # next statements another run of the search (``version_ids``).
            selected = matching.copy()
            for mask in masks.values():
                selected &= mask
            self.selected_ids = index.version_ids[selected]

        def others(name):
            """The rows that match the search and pass every filter but ``name``'s."""
            rows = matching.copy()
            for other, mask in masks.items():
                if other != name:
                    rows &= mask
            return rows

        counts = {
            "kind": index.kind.counts(others("kind")),
            "severity": index.severity.counts(others("severity")),
            "verification": index.verification.counts(others("verification")),
            "country": index.country.counts(others("country")),
            "external": index.external.counts(others("external")),
            "entity": self._entity_counts(index, others("entity"), selected_entities),
            "term": {},
        }
        taxonomies = self.browser.taxonomies
        unselected = [t for t in taxonomies if t.field_name not in masks]
        groups = [(None, unselected)] if unselected else []
        groups += [(t.field_name, [t]) for t in taxonomies if t.field_name in masks]
        for name, members in groups:
            counts["term"].update(index.term.counts(others(name), among={pk for t in members for pk in t.subtree}))
        return counts

    def _entity_counts(self, index, rows, selected) -> dict:
        """The ``ENTITY_FACET_SIZE`` entities most often named in ``rows``
        (ties broken by slug, not id: the same facet after a restore), and
        the ``selected`` ones."""
        found = index.entity.found(rows)
        codes = np.flatnonzero(found)
        if len(codes) > ENTITY_FACET_SIZE:
            threshold = np.partition(found[codes], -ENTITY_FACET_SIZE)[-ENTITY_FACET_SIZE]
            above = codes[found[codes] > threshold]
            tied = index.entity.values[codes[found[codes] == threshold]].tolist()
            first_tied = Entity.objects.filter(pk__in=tied).order_by("slug").values_list("pk", flat=True)
            kept = set(index.entity.values[above].tolist()) | set(first_tied[: ENTITY_FACET_SIZE - len(above)])
        else:
            kept = set(index.entity.values[codes].tolist())
        return index.entity.counts(rows, among=kept | set(selected))

    # Results -----------------------------------------------------------------

    def count(self) -> int:
        where, params = self._where()
        return self._execute(f"SELECT count(*) FROM {TABLE} e{where}", params)[0][0]  # noqa: S608 (our own SQL)

    def _order(self, total):
        """ORDER BY clause (with its params, and the JOIN it needs)."""
        sort = self.browser.sort
        if sort == Sort.RELEVANCE and self._search:
            tsquery, params = self._tsquery
            rank = f"ts_rank(e.search_{self._lang}, {tsquery})"
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
        # The same for every reader and page of the selection until the next
        # publication: it re-reads every match, as the counts do, unless
        # this request already holds them.
        read = self._read_rank_threshold if self.selected_ids is None else self._rank_threshold_of_selected
        return cached(f"rank-threshold:{self.browser.selection_key}", read, self.browser.stamp)

    def _rank_threshold_of_selected(self):
        return int(np.partition(self.selected_ids, -search.RANK_CAP)[-search.RANK_CAP])

    def _read_rank_threshold(self):
        where, params = self._where()
        rows = self._execute(
            f"SELECT min(id) FROM (SELECT e.version_id + 0 AS id FROM {TABLE} e{where}"  # noqa: S608 (our own SQL)
            f" ORDER BY 1 DESC LIMIT {search.RANK_CAP}) s",
            params,
        )
        return rows[0][0]

    def version_ids(self, offset, limit, total) -> list[int]:
        """The ids of a slice of the results, in the page's order: the same
        for every reader until the next publication (the stamp), so cached
        as the counts are, by selection, order, language (titles sort by
        it) and slice. Only ids: the versions themselves are read live."""
        browser = self.browser
        key = f"page-ids:{browser.selection_key}:{browser.sort}:{browser.lang}:{offset}:{limit}"
        return cached(key, lambda: self._read_version_ids(offset, limit, total), browser.stamp)

    def _read_version_ids(self, offset, limit, total) -> list[int]:
        ranked = self._ranked_ids(total)
        if ranked is not None and offset + limit <= len(ranked):
            return self._page_of_ranked(ranked, offset, limit)
        where, params = self._where()
        join, order, order_params = self._order(total)
        rows = self._execute(
            f"SELECT e.version_id FROM {TABLE} e{join}{where} ORDER BY {order} LIMIT %s OFFSET %s",  # noqa: S608 (our own SQL)
            [*params, *order_params, limit, offset],
        )
        return [row[0] for row in rows]

    def _ranked_ids(self, total):
        """The ids ranked by relevance (the ``RANK_CAP`` newest matches),
        when this request holds the selection's ids; else None."""
        if self.selected_ids is None or self.browser.sort != Sort.RELEVANCE:
            return None
        threshold = self._rank_threshold(total)
        ids = self.selected_ids
        return ids if threshold is None else ids[ids >= threshold]

    def _page_of_ranked(self, ranked, offset, limit):
        """A page among the ranked ids, read by id: the search's index is
        not scanned again, nor is a phrase's every candidate re-read for
        its words' positions (bench/README.md, "Search at scale")."""
        tsquery, params = self._tsquery
        rank = f"ts_rank(e.search_{self._lang}, {tsquery})"
        rows = self._execute(
            f"SELECT e.version_id FROM {TABLE} e WHERE e.version_id = ANY(%s)"  # noqa: S608 (our own SQL)
            f" ORDER BY {rank} DESC, e.published_at DESC, e.version_id DESC LIMIT %s OFFSET %s",
            [ranked.tolist(), *params, limit, offset],
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
