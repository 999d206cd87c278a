"""
Full-text search over published records, in the page's language.

The small API the views use:

    search = Search(query, lang)
    search.filter(versions, rank=True) -> the versions that match, annotated
                                          with ``search_rank`` (higher is better)
    search.snippets(versions)          -> {version id: Snippet}, an escaped
                                          extract with the matches in <mark>

``matching()`` and ``snippets()`` do the same in one call. All take
``backend=`` (POSTGRESQL or SIMPLE) to override the choice made from the
database, which is how the tests exercise both.

Two backends sit behind it, chosen by the database:

- PostgreSQL: ``websearch_to_tsquery`` (quotes, ``or`` and ``-word`` work; no
  input is a syntax error; relevance ranks the ``RANK_CAP`` newest matches,
  older ones follow newest first) against the stored tsvector columns ``search_en`` /
  ``search_fr`` on versions (title, summary, narrative) and harms, each with
  a GIN index. Migration 0002_browse_search_indexes adds them; since
  0004_search_columns_by_trigger a trigger keeps them current. English pages
  use the ``english`` configuration, French pages ``french_unaccent`` (French
  stemming, accents folded). Snippets come from ``ts_headline``.
- Anything else (SQLite): every word (or "quoted phrase") must begin a word
  of the title, summary, narrative or a harm of the page's language, case
  and accents folded and each word lightly stemmed on both sides
  (``folding``: "economie" finds "Économie" and "économiques"); snippets
  are cut in Python and mark the same matches.

Both search the text the page would show: on /fr/, a field not yet translated
is searched in its English text, which is what the French page displays.

Only published content is ever matched, whatever queryset a caller passes:
the versions of ``RecordVersion.objects.published()`` (not drafts, not
versions in review, nothing of a withdrawn record) and the harms of those
versions. On PostgreSQL the SQL of the text search itself says so, before any
caller's filter; on SQLite the caller's queryset is narrowed to them. Callers
still pass the versions they mean to show (the list passes
``RecordVersion.objects.live()``), so searching adds no way to reach anything
else. ``snippets()`` reads only the versions the caller already holds.
"""

import heapq
import re
from dataclasses import dataclass
from functools import cached_property

import nh3
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVectorField
from django.db import connections, transaction
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Exists,
    Expression,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.db.models.lookups import Contains
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.i18n import DEFAULT_LANGUAGE, localized
from core.rendering import text_from_markdown
from incidents.models import Harm, RecordVersion

from . import folding

# How many of the newest matches are ranked by relevance (``Search._capped_rank``).
RANK_CAP = 1000

# Longer queries are refused by the list's form before they get here.
MAX_QUERY_LENGTH = 200
MAX_WORDS = 12

# PostgreSQL text search configuration per page language. french_unaccent is
# created by migration 0002_browse_search_indexes.
CONFIGS = {"en": "english", "fr": "french_unaccent"}

# ts_headline marks matches with these private-use characters, so that the
# text can be escaped *before* the <mark> tags are put in: user text must
# never become markup.
_START, _STOP = "\ue000", "\ue001"

SNIPPET_LENGTH = 240


@dataclass(frozen=True)
class Snippet:
    html: SafeString  # escaped text, matches wrapped in <mark>
    lang: str  # the language the text is really in

    def __str__(self):
        return self.html


POSTGRESQL = "postgresql"
SIMPLE = "simple"


def backend_for(using="default") -> str:
    """The backend a database gets: PostgreSQL's full-text search, or the
    simple one."""
    return POSTGRESQL if connections[using].vendor == "postgresql" else SIMPLE


class Search:
    """One reader's query in one language, applied to as many querysets as a
    page needs (results, counts of each facet).

    On PostgreSQL the published versions that match are looked up once, with
    the GIN indexes, and every queryset is then narrowed to that list of ids:
    a page's facets don't each repeat the text search.
    """

    def __init__(self, query, lang, *, using="default", backend=None):
        self.query = normalize_query(query)
        self.lang = _language(lang)
        self.backend = backend or backend_for(using)

    def __bool__(self):
        return bool(self.query)

    def filter(self, versions, *, rank=False):
        """``versions`` that are published and match; with ``rank``,
        annotated with ``search_rank`` (higher is better)."""
        if not self.query:
            return versions.annotate(search_rank=Value(0.0)) if rank else versions
        if self.backend == POSTGRESQL:
            versions = versions.filter(_pk_in(self.matching_ids))
            if rank:
                versions = versions.annotate(search_rank=self._capped_rank())
            return versions
        return _simple_matching(versions, self.query, self.lang, rank)

    def snippets(self, versions) -> dict[int, Snippet]:
        """An extract of each version's summary and narrative around the matches."""
        versions = list(versions)
        if not self.query or not versions:
            return {}
        if self.backend == POSTGRESQL:
            return _pg_snippets(versions, self.query, self.lang)
        return _simple_snippets(versions, self.query, self.lang)

    # PostgreSQL ------------------------------------------------------------

    @property
    def _column(self):
        return f"search_{self.lang}"

    @property
    def _tsquery(self):
        return _pg_query(self.query, self.lang)

    def _capped_rank(self):
        """``ts_rank`` of the ``RANK_CAP`` newest matches (the highest ids);
        older matches rank below them all (-1), newest first.

        Ranking reads each match's whole document (decompressed): for a
        common word, tens of thousands of them at 100,000 records, for one
        page of twenty. Versions get ids as they are created, so the
        ``RANK_CAP``-th highest matching id bounds the newest ones with a
        plain comparison (bench/README.md, "List and search at scale")."""
        rank = SearchRank(_SearchColumn(self._column), self._tsquery)
        ids = self.matching_ids
        if len(ids) <= RANK_CAP:
            return rank
        threshold = heapq.nlargest(RANK_CAP, ids)[-1]
        return Case(When(pk__gte=threshold, then=rank), default=Value(-1.0), output_field=FloatField())

    def matching_versions(self):
        """The ids (``pk``) of the published versions
        (``RecordVersion.objects.published()``) whose text or harms match
        (PostgreSQL). Drafts, versions in review and withdrawn records never
        match, whatever queryset ``filter()`` then narrows to these ids."""
        in_version = RecordVersion.objects.alias(document=_SearchColumn(self._column)).filter(document=self._tsquery)
        in_harm = Harm.objects.alias(document=_SearchColumn(self._column)).filter(document=self._tsquery)
        # Two GIN index scans joined by a UNION; an OR across the two
        # tables would make PostgreSQL read every version.
        matches = in_version.order_by().values("pk").union(in_harm.order_by().values("version_id")).order_by()
        # Public content only, in the SQL itself: nothing relies on the
        # caller's queryset to hide unpublished text. The condition goes
        # around the UNION, not into its two scans: there PostgreSQL could
        # pick the status index instead of the GIN one and then decompress
        # the tsvector of nearly every version (several times slower).
        return RecordVersion.objects.published().filter(pk__in=matches).order_by().values("pk")

    @cached_property
    def matching_ids(self) -> list[int]:
        queryset = self.matching_versions()
        with transaction.atomic(using=queryset.db), connections[queryset.db].cursor() as cursor:
            # For a common word PostgreSQL would rather read every version
            # than use the GIN index: its estimate ignores that a sequential
            # scan must decompress each row's tsvector, several times slower
            # in practice. Turned off for this one statement, then restored.
            cursor.execute("SELECT current_setting('enable_seqscan')")
            (previous,) = cursor.fetchone()
            cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
            ids = [row["pk"] for row in queryset]
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])
        return ids


def matching(versions, query: str, lang: str, *, rank: bool = True, backend: str | None = None):
    """``versions`` narrowed to those matching ``query`` (a one-off Search)."""
    return Search(query, lang, using=versions.db, backend=backend).filter(versions, rank=rank)


def snippets(versions, query: str, lang: str, *, backend: str | None = None) -> dict[int, Snippet]:
    """Snippets of ``versions`` for ``query`` (a one-off Search)."""
    versions = list(versions)
    using = versions[0]._state.db if versions else "default"
    return Search(query, lang, using=using, backend=backend).snippets(versions)


class _EqualsAny(Func):
    """``<expression> = ANY(<array>)``."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def _pk_in(ids):
    """``pk = ANY(%s)``: a single array parameter, however many ids."""
    return _EqualsAny(F("pk"), Value(list(ids), output_field=ArrayField(BigIntegerField())))


def normalize_query(query: str) -> str:
    """Whitespace collapsed, NUL and other control characters removed, length
    capped: nothing a user types can break the SQL below."""
    query = re.sub(r"[\x00-\x1f\x7f\ue000\ue001]", " ", query or "")
    return " ".join(query.split())[:MAX_QUERY_LENGTH]


def _shown_text(obj, field, lang):
    value = localized(obj, field, lang)
    return value.text, value.lang


# PostgreSQL ----------------------------------------------------------------


class _SearchColumn(Expression):
    """A tsvector column that only PostgreSQL has (see migrations
    0002_browse_search_indexes and 0004_search_columns_by_trigger), on the
    queryset's own table."""

    output_field = SearchVectorField()

    def __init__(self, column):
        super().__init__()
        self.column = column

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name(alias)}.{connection.ops.quote_name(self.column)}", []

    def __eq__(self, other):
        return isinstance(other, _SearchColumn) and other.column == self.column

    def __hash__(self):
        return hash((type(self), self.column))


def _language(lang):
    return lang if lang in CONFIGS else DEFAULT_LANGUAGE


def _pg_query(query, lang):
    return SearchQuery(query, search_type="websearch", config=CONFIGS[_language(lang)])


# A tsquery as PostgreSQL writes it: quoted lexemes (a quote written '',
# a backslash \\) with an optional :* or weight, and operators.
_TSQUERY_TOKEN = re.compile(r"\s*(?:'((?:[^'\\]|''|\\.)*)'(:[*A-D]+)?|(<->|<\d+>|&|\||!|\(|\)))")


def adjacent_pairs(query, lang, using="default") -> str | None:
    """A tsquery of the pairs of words a query's phrases put side by side
    (``"medical advice" bank`` gives ``'medic advic'``), which every match
    holds among its document's pairs (``dossier_bigrams``, migration
    0016_phrase_index), or None.

    Only a condition every match meets: the search's own tsquery still
    decides. So it is given only for a query that is all AND: one with OR, a
    negation or a group gives None, as does one without a phrase."""
    if '"' not in query:
        return None  # a phrase (<->) comes from quotes; a hyphenated word is left to the search itself
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT websearch_to_tsquery(%s::regconfig, %s)::text", [CONFIGS[_language(lang)], query])
        (text,) = cursor.fetchone()
    return pairs_of_tsquery(text)


def pairs_of_tsquery(text) -> str | None:
    """``'medic' <-> 'advic' & 'bank'`` -> ``'medic advic'``; None when the
    tsquery is not a plain AND of words and phrases, or has no phrase."""
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        found = _TSQUERY_TOKEN.match(text, position)
        if not found:
            return None
        lexeme, suffix, operator = found.groups()
        if suffix or operator in ("|", "!", "(", ")"):
            return None
        tokens.append(operator or lexeme.replace("''", "'").replace("\\\\", "\\"))
        position = found.end()
    pairs = []
    for index in range(1, len(tokens) - 1, 2):
        if tokens[index] == "<->":
            pair = f"{tokens[index - 1]} {tokens[index + 1]}"
            if pair not in pairs:
                pairs.append(pair)
    quoted = ("'" + pair.replace("\\", "\\\\").replace("'", "''") + "'" for pair in pairs)
    return " & ".join(quoted) or None


def _fallback_text(field, lang):
    """SQL for the text of ``field`` the page shows: its own language, or
    English where that is missing."""
    text = TextField()
    if lang == DEFAULT_LANGUAGE:
        return Coalesce(F(f"{field}_{lang}"), Value(""), output_field=text)
    return Coalesce(
        NullIf(Trim(F(f"{field}_{lang}"), output_field=text), Value(""), output_field=text),
        F(f"{field}_{DEFAULT_LANGUAGE}"),
        Value(""),
        output_field=text,
    )


def _pg_snippets(versions, query, lang):
    lang = _language(lang)
    text = Concat(
        _fallback_text("summary", lang), Value(" \n\n"), _fallback_text("narrative", lang), output_field=TextField()
    )
    rows = RecordVersion.objects.filter(pk__in=[v.pk for v in versions]).annotate(
        headline=SearchHeadline(
            text,
            _pg_query(query, lang),
            config=CONFIGS[lang],
            start_sel=_START,
            stop_sel=_STOP,
            max_words=35,
            min_words=15,
            max_fragments=2,
            fragment_delimiter=" … ",
        )
    )
    headlines = dict(rows.values_list("pk", "headline"))
    result = {}
    for version in versions:
        _summary, text_lang = _shown_text(version, "summary", lang)
        result[version.pk] = Snippet(_marked_html(text_from_markdown(headlines.get(version.pk) or "")), text_lang)
    return result


def _marked_html(text_with_sentinels: str) -> SafeString:
    """Escape the text, then turn the sentinels into <mark> tags; nh3 closes
    any mark a stray sentinel left open."""
    html = escape(text_with_sentinels).replace(_START, "<mark>").replace(_STOP, "</mark>")
    return mark_safe(nh3.clean(html, tags={"mark"}, attributes={}))  # noqa: S308 (escaped, then only <mark>)


# Everything else (SQLite) --------------------------------------------------


def query_words(query: str) -> list[str]:
    """The words and "quoted phrases" of a query, for the simple backend."""
    words = []
    for phrase, word in re.findall(r'"([^"]*)"|(\S+)', query):
        term = (phrase or word).strip().strip('"').lstrip("-+")
        if term and term.lower() not in ("or", "and") and term not in words:
            words.append(term)
    return words[:MAX_WORDS]


class _Folded(Func):
    """``dossier_fold(<text>, <lang>)``: the text's folded stems (see
    ``folding``), registered on every SQLite connection."""

    function = "dossier_fold"
    output_field = TextField()


def _folded_contains(field, lang, folded_term):
    """``field``'s text, folded in ``lang``, holds ``folded_term`` at a word start."""
    return Contains(_Folded(F(field), Value(lang)), Value(folded_term))


def _text_condition(field, lang, term):
    """``term`` (a word or phrase) is in the text of ``field`` the page shows:
    its own language's, or the English one where that is missing."""
    own = _folded_contains(f"{field}_{lang}", lang, _folded_term(term, lang))
    if lang == DEFAULT_LANGUAGE:
        return Q(own)
    missing = Q(**{f"{field}_{lang}": ""}) | Q(**{f"{field}_{lang}__isnull": True})
    fallback = _folded_contains(f"{field}_{DEFAULT_LANGUAGE}", DEFAULT_LANGUAGE, _folded_term(term, DEFAULT_LANGUAGE))
    return Q(own) | (missing & Q(fallback))


def _folded_term(term, lang):
    """ " econom" for "Économie": the stems of a word or phrase, after a space
    so that they match at a word start only."""
    return folding.fold(term, lang).rstrip(" ")


def _simple_matching(versions, query, lang, rank):
    lang = _language(lang)
    words = [word for word in query_words(query) if folding.words(word, lang)]
    if not words:
        versions = versions.none()
        return versions.annotate(search_rank=Value(0)) if rank else versions
    # Published content only, as on PostgreSQL, whatever the caller passes.
    versions = versions.filter(pk__in=RecordVersion.objects.published().values("pk"))
    for word in words:
        in_harm = Harm.objects.filter(
            _text_condition("description", lang, word) | _text_condition("affected_group", lang, word),
            version=OuterRef("pk"),
        )
        versions = versions.filter(
            _text_condition("title", lang, word)
            | _text_condition("summary", lang, word)
            | _text_condition("narrative", lang, word)
            | Exists(in_harm)
        )
    if not rank:
        return versions
    first = words[0]
    return versions.annotate(
        search_rank=Case(
            When(_text_condition("title", lang, first), then=Value(3)),
            When(_text_condition("summary", lang, first), then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )


def _simple_snippets(versions, query, lang):
    lang = _language(lang)
    words = query_words(query)
    result = {}
    for version in versions:
        summary, text_lang = _shown_text(version, "summary", lang)
        narrative, _narrative_lang = _shown_text(version, "narrative", lang)
        text = text_from_markdown(f"{summary}\n\n{narrative}")
        result[version.pk] = Snippet(highlight(text, words, lang=text_lang), text_lang)
    return result


def highlight(text: str, words: list[str], length: int = SNIPPET_LENGTH, *, lang: str = DEFAULT_LANGUAGE) -> SafeString:
    """An escaped extract of ``text`` around the first match, every match of
    ``words`` in <mark>: the words that begin with a word's stem, case and
    accents aside, as the simple search matches them (``folding``)."""
    if not text:
        return mark_safe("")
    alternatives = []
    for word in sorted(words, key=len, reverse=True):
        stems = folding.words(word, lang)
        if stems:
            alternatives.append(r"\b" + r"\w*\W+".join(map(re.escape, stems)) + r"\w*")
    pattern = re.compile("|".join(alternatives)) if alternatives else None
    # Matched in the folded text, which has the same length as the text
    # (``folding.fold_char``): the positions found are the text's.
    folded = folding.unaccent(text)
    first = pattern.search(folded) if pattern else None
    start = 0
    if first and first.start() > length // 3:
        start = text.rfind(" ", 0, first.start() - length // 3) + 1
    end = min(len(text), start + length)
    if end < len(text):
        end = text.rfind(" ", start, end) if " " in text[start:end] else end
    extract = text[start:end]
    pieces, position = [], 0
    for match in pattern.finditer(folded, start, end) if pattern else ():
        pieces.append(escape(extract[position : match.start() - start]))
        pieces.append(f"<mark>{escape(extract[match.start() - start : match.end() - start])}</mark>")
        position = match.end() - start
    pieces.append(escape(extract[position:]))
    html = "".join(pieces)
    return mark_safe(("… " if start else "") + html + (" …" if end < len(text) else ""))  # noqa: S308 (every piece escaped)
