"""Full-text search (incidents.public.browse.search): both backends, in the page's language,
over published text only, with snippets that stay inert."""

import re
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from core.rendering import text_from_markdown
from incidents.models import RecordVersion, Severity, Status
from incidents.public.browse import query as query_module
from incidents.public.browse import search
from incidents.public.browse.query import RecordBrowser
from incidents.publishing import workflow
from tests.factories import (
    DraftVersionFactory,
    HarmFactory,
    PublisherFactory,
    add_parts,
    publish_revision,
    published_record,
    record_of,
    revise,
)

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"
# The simple backend compares folded text with dossier_fold(), a function
# registered on SQLite connections (incidents/public/browse/folding.py); on
# PostgreSQL the same tests run against its own text search.
on_sqlite = pytest.mark.skipif(ON_POSTGRESQL, reason="The simple backend's dossier_fold() is SQLite's")
BACKENDS = [
    pytest.param(search.SIMPLE, marks=on_sqlite),
    pytest.param(
        search.POSTGRESQL,
        marks=pytest.mark.skipif(not ON_POSTGRESQL, reason="PostgreSQL full-text search needs PostgreSQL"),
    ),
]
needs_postgresql = pytest.mark.skipif(not ON_POSTGRESQL, reason="French stemming and accents need PostgreSQL")
postgresql_search = pytest.mark.skipif(not ON_POSTGRESQL, reason="The matching ids come from PostgreSQL's search")


def found(query, lang, backend=None):
    versions = search.matching(RecordVersion.objects.live(), query, lang, backend=backend)
    return sorted(v.record.public_id for v in versions)


@pytest.fixture
def records(db):
    """One record per field a word can be found in, in each language."""
    return {
        "title": published_record(title_en="Quokka title", title_fr="Titre ornithorynque"),
        "summary": published_record(summary_en="Summary about a narwhal.", summary_fr="Résumé sur un wombat."),
        "narrative": published_record(narrative_en="Narrative with a pangolin.", narrative_fr="Récit avec un tapir."),
        "harm": published_record(harms=[("Harm done to an axolotl.", "Préjudice causé à un lamantin.")]),
        "untranslated": published_record(title_en="Okapi sighting", title_fr="", summary_fr=""),
    }


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("field", "lang", "word"),
    [
        ("title", "en", "quokka"),
        ("title", "fr", "ornithorynque"),
        ("summary", "en", "narwhal"),
        ("summary", "fr", "wombat"),
        ("narrative", "en", "pangolin"),
        ("narrative", "fr", "tapir"),
        ("harm", "en", "axolotl"),
        ("harm", "fr", "lamantin"),
    ],
)
def test_search_finds_each_field_in_the_page_language(records, backend, field, lang, word):
    assert found(word, lang, backend) == [records[field].record.public_id]
    other = "fr" if lang == "en" else "en"
    # The other language's text is not searched when the page's exists.
    assert found(word, other, backend) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_french_search_reads_the_english_text_a_french_page_falls_back_to(records, backend):
    assert found("okapi", "fr", backend) == [records["untranslated"].record.public_id]


@pytest.mark.parametrize("backend", BACKENDS)
def test_search_ignores_unpublished_versions(db, backend):
    draft = DraftVersionFactory(title_en="Capybara draft")
    add_parts(draft, harms=["A capybara harm"])
    live = published_record(title_en="Published record")
    assert found("capybara", "en", backend) == []
    assert found("published", "en", backend) == [live.record.public_id]


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_word_must_match(records, backend):
    assert found("quokka title", "en", backend) == [records["title"].record.public_id]
    assert found("quokka narwhal", "en", backend) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_quoted_phrase_is_searched_as_a_phrase(db, backend):
    together = published_record(summary_en="The voice clone called the bank.")
    published_record(summary_en="A clone of the app, not a voice.")
    assert found('"voice clone"', "en", backend) == [together.record.public_id]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    "query",
    [
        '"',
        "'",
        "%",
        "_",
        "\\",
        "&|!",
        "a:*",
        "(((",
        "-",
        "or",
        "<->",
        "\x00",
        "%' OR 1=1 --",
        "x" * 5000,
        "日本語",
        " ",
    ],
)
def test_any_query_text_is_harmless(records, backend, query):
    # No syntax error, no crash, whatever a reader types.
    found(query, "en", backend)
    found(query, "fr", backend)
    versions = list(RecordVersion.objects.live())
    search.snippets(versions, query, "fr", backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_snippet_marks_matches_and_escapes_the_text(db, backend):
    version = published_record(
        summary_en='<script>alert("x")</script> A <b>zebrafish</b> study & [a link](javascript:alert(1)).',
        narrative_en="More about the zebrafish <img src=x onerror=alert(1)>.",
    )
    snippet = search.snippets([version], "zebrafish", "en", backend=backend)[version.pk]
    html = str(snippet.html)
    assert "<mark>zebrafish</mark>" in html.lower()
    # Apart from the <mark> tags, every "<" and ">" of the text is escaped.
    text = re.sub(r"</?mark>", "", html)
    assert "<" not in text and ">" not in text and '"' not in text
    assert snippet.lang == "en"


@pytest.mark.parametrize("backend", BACKENDS)
def test_snippet_of_an_untranslated_text_is_in_english(db, backend):
    version = published_record(summary_en="A manatee summary.", summary_fr="", narrative_fr="")
    snippet = search.snippets([version], "manatee", "fr", backend=backend)[version.pk]
    assert snippet.lang == "en" and "<mark>manatee</mark>" in str(snippet.html).lower()


def test_search_page_shows_escaped_highlighted_snippets(client, db):
    published_record(summary_en="Hostile <script>alert(1)</script> chinchilla text.")
    html = client.get("/en/incidents/?q=chinchilla").content.decode()
    assert '<p class="result__snippet">' in html
    assert "<mark>chinchilla</mark>" in html.lower()
    assert "<script>alert(1)</script>" not in html


def test_highlight_escapes_every_piece():
    html = search.highlight("<i>Tom & Jerry</i> met <i>tom</i>", ["tom"])
    assert html == "&lt;i&gt;<mark>Tom</mark> &amp; Jerry&lt;/i&gt; met &lt;i&gt;<mark>tom</mark>&lt;/i&gt;"


def test_text_from_markdown_drops_markdown_and_citations():
    assert (
        text_from_markdown("**Bold** claim [@rcmp-2025; @bnn] and [a link](https://x.org).") == "Bold claim and a link."
    )


# PostgreSQL only ------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_french_search_stems_words(db, backend):
    plural = published_record(title_fr="Des hypertrucages pour infiltrer des employeurs")
    assert found("hypertrucage", "fr", backend) == [plural.record.public_id]


@pytest.mark.parametrize("backend", BACKENDS)
def test_french_search_ignores_accents(db, backend):
    accented = published_record(narrative_fr="L'exploitant a retiré l'agent après une évaluation.")
    assert found("evaluation", "fr", backend) == [accented.record.public_id]
    assert found("ÉVALUATION", "fr", backend) == [accented.record.public_id]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("query", ["economie", "Économie", "ÉCONOMIE", "économies"])
def test_french_search_finds_economie_whatever_its_accents_case_and_number(db, backend, query):
    capitalised = published_record(title_fr="Économie des plateformes")
    plain = published_record(summary_fr="Un effet sur l'economie locale.")
    published_record(title_fr="Écologie des données", summary_fr="Rien d'autre.")
    assert found(query, "fr", backend) == sorted([capitalised.record.public_id, plain.record.public_id])


@pytest.mark.parametrize("backend", BACKENDS)
def test_english_search_stems_words(db, backend):
    singular = published_record(title_en="A deepfake applicant")
    assert found("deepfakes", "en", backend) == [singular.record.public_id]


@on_sqlite
def test_simple_search_matches_at_word_starts_only(db):
    word = published_record(title_en="Rating the drivers")
    published_record(title_en="Separating concerns")
    assert found("rating", "en", search.SIMPLE) == [word.record.public_id]


def test_simple_snippet_marks_the_accented_word_a_plain_query_found(db):
    version = published_record(summary_fr="L’Économie numérique & ses écarts.")
    snippet = search.snippets([version], "economie", "fr", backend=search.SIMPLE)[version.pk]
    assert "<mark>Économie</mark>" in snippet.html
    assert "&amp;" in snippet.html


@needs_postgresql
def test_search_ranks_title_matches_first(db):
    in_narrative = published_record(narrative_en="A note on gerbils.")
    in_title = published_record(title_en="Gerbils everywhere")
    ranked = search.matching(RecordVersion.objects.live(), "gerbils", "en").order_by("-search_rank")
    assert [v.pk for v in ranked] == [in_title.pk, in_narrative.pk]


@needs_postgresql
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_search_uses_the_gin_indexes(db, lang):
    published_record(title_en="Indexed")
    with connection.cursor() as cursor:
        # On a tiny table the planner would rightly scan; forbid it, so the
        # plan shows whether the indexes *can* be used.
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = search.Search("indexed", lang).matching_versions().explain()
    assert f"incidents_version_search_{lang}" in plan
    assert f"incidents_harm_search_{lang}" in plan


# Published content only, in the search's own SQL ------------------------------------


def _unpublished_with(state, field, text):
    """A version in ``state`` whose ``field`` (or a harm) holds ``text``."""
    if state == "revision":
        # The next draft of a published record that does not say it yet.
        version = revise(published_record().record)
        if field == "harm":
            HarmFactory(version=version, description_en=text)
        else:
            setattr(version, f"{field}_en", text)
            version.save()
        return version
    if field == "harm":
        version = add_parts(DraftVersionFactory(), harms=[text])
    else:
        version = DraftVersionFactory(**{f"{field}_en": text})
    if state == "in review":
        workflow.submit(version, by=version.created_by)
    return version


@postgresql_search
@pytest.mark.parametrize("state", ["draft", "in review", "revision"])
@pytest.mark.parametrize("field", ["title", "summary", "narrative", "harm"])
def test_search_never_matches_a_draft_or_a_version_in_review(db, state, field):
    version = _unpublished_with(state, field, "A jerboa was harmed.")
    assert RecordVersion.objects.get(pk=version.pk).status == (
        Status.IN_REVIEW if state == "in review" else Status.DRAFT
    )
    # French pages search the English text where the French is missing.
    for lang in ("en", "fr"):
        assert search.Search("jerboa", lang).matching_ids == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_search_returns_only_published_versions_whatever_it_is_given(db, backend):
    first = published_record(title_en="A jerboa in the first version")
    second = publish_revision(first.record, title_en="A jerboa in the second version")
    draft = revise(first.record)
    draft.summary_en = "The jerboa draft."
    draft.save()
    DraftVersionFactory(title_en="A jerboa that stays a draft")
    matches = search.Search("jerboa", "en", backend=backend).filter(RecordVersion.objects.all(), rank=True)
    # The superseded version is published too: it stays readable and citable.
    assert sorted(v.pk for v in matches) == sorted([first.pk, second.pk])


@pytest.mark.parametrize("backend", BACKENDS)
def test_search_never_matches_a_withdrawn_record(db, backend):
    first = published_record(title_en="A jerboa record", harms=["A jerboa harm."])
    publish_revision(first.record, summary_en="A corrected jerboa summary.")
    workflow.withdraw(record_of(first), by=PublisherFactory(), reason_en="Duplicate.", reason_fr="Doublon.")
    for lang in ("en", "fr"):
        searched = search.Search("jerboa", lang, backend=backend)
        assert list(searched.filter(RecordVersion.objects.all())) == []
        if backend == search.POSTGRESQL:
            assert searched.matching_ids == []


@needs_postgresql
def test_relevance_ranks_only_the_newest_matches_past_the_cap(db, monkeypatch):
    """Past ``RANK_CAP`` matches, only the newest are ranked (a title match
    among them first); older matches follow them, newest first."""
    monkeypatch.setattr(search, "RANK_CAP", 2)
    old_title = published_record(title_en="Capybara in the title")
    middle = published_record(narrative_en="A capybara in the narrative.")
    new_narrative = published_record(narrative_en="Another capybara, in the narrative.")
    new_title = published_record(title_en="Capybara again in the title")
    ranked = search.matching(RecordVersion.objects.live(), "capybara", "en").order_by(
        "-search_rank", "-published_at", "-pk"
    )
    assert [v.pk for v in ranked] == [new_title.pk, new_narrative.pk, middle.pk, old_title.pk]
    monkeypatch.setattr(search, "RANK_CAP", 10)
    ranked = search.matching(RecordVersion.objects.live(), "capybara", "en").order_by("-search_rank", "-pk")
    assert [v.pk for v in ranked][:2] == [new_title.pk, old_title.pk]


@needs_postgresql
def test_the_list_ranks_the_newest_matches_again_after_each_publication(client, db, monkeypatch):
    """The relevance threshold (the ``RANK_CAP``-th newest match) is cached
    per search until the next publication: a newer match pushes the oldest
    ranked one out at once."""
    monkeypatch.setattr(search, "RANK_CAP", 2)
    oldest = record_of(published_record(narrative_en="A capybara in the narrative."))
    in_title = record_of(published_record(title_en="Capybara in the title"))
    newer = record_of(published_record(narrative_en="Another capybara, in the narrative."))

    def first(records):
        html = client.get("/en/incidents/?q=capybara").content.decode()
        return min(records, key=lambda record: html.index(f"/incidents/{record.public_id}/"))

    # Ranked: the two newest matches, the title match first.
    assert first([oldest, in_title, newer]) == in_title
    newest = record_of(published_record(narrative_en="Yet another capybara, in the narrative."))
    # Ranked now: the two newest; the title match follows them, unranked.
    assert first([oldest, in_title, newer, newest]) != in_title


@needs_postgresql
@pytest.mark.parametrize("query", ["capybara", '"capybara herd"'])
def test_a_page_read_by_the_selections_ids_is_the_page_the_search_gives(db, monkeypatch, query):
    """When a request has just counted the selection (its counts were not
    cached), its pages are read by the matching ids rather than by running
    the search again (incidents/public/browse/listing.py): every page, the
    ranked ones and those past the cap, in the same order either way."""
    monkeypatch.setattr(search, "RANK_CAP", 3)
    monkeypatch.setattr(query_module, "PAGE_SIZE", 2)
    for n in range(7):
        published_record(
            title_en="A capybara herd" if n % 3 == 0 else f"Record {n}",
            summary_en="A capybara herd crossed." if n % 2 else "Nothing here.",
            narrative_en="Capybara herd, again: capybara herd." if n % 4 == 0 else "A capybara, alone.",
            severity=[Severity.LOW, Severity.HIGH][n % 2],
        )

    def page(query_string, number):
        """The page's record ids, and how many statements ran the text search."""
        browser = RecordBrowser(QueryDict(f"{query_string}&page={number}"), "en")
        with CaptureQueriesContext(connection) as queries:
            ids = [version.pk for version, _snippet in browser.results()]
        return ids, sum(" @@ " in q["sql"] for q in queries.captured_queries)

    for query_string in (urlencode({"q": query}), urlencode({"q": query, "severity": Severity.HIGH})):
        by_ids, by_search = [], []
        for number in range(1, 5):
            cache.clear()  # nothing counted yet: this request counts, then reads its page by ids
            ids, searches = page(query_string, number)
            by_ids.append(ids)
            if number == 1:
                assert searches == 1  # the matches read once, for the counts
            # The counts are cached now: the same page again runs the search.
            by_search.append(page(query_string, number)[0])
        assert by_ids == by_search
        total = RecordBrowser(QueryDict(query_string), "en").total
        assert total >= 3 and sum(map(len, by_ids)) == total


@pytest.mark.parametrize(
    ("tsquery", "pairs"),
    [
        ("'medic' <-> 'advic'", "'medic advic'"),
        ("'medic' <-> 'advic' & 'bank' <-> 'fraud' <-> 'case'", "'medic advic' & 'bank fraud' & 'fraud case'"),
        ("'bank' <2> 'america' & 'fraud'", None),  # a stop word between: no pair is required
        ("'a''b' <-> 'c\\\\d'", "'a''b c\\\\d'"),
        ("'deepfak'", None),
        ("'medic' <-> 'advic' | 'bank'", None),  # OR: no pair is required
        ("!( 'medic' <-> 'advic' ) & 'x'", None),  # a negated phrase
        ("'medic':* <-> 'advic'", None),
        ("", None),
    ],
)
def test_the_pairs_a_phrase_requires_are_read_from_its_tsquery(tsquery, pairs):
    assert search.pairs_of_tsquery(tsquery) == pairs


@needs_postgresql
def test_a_phrase_finds_through_its_pairs_exactly_what_the_search_finds(db):
    """The index of pairs of words (migration 0016_phrase_index) only
    narrows what PostgreSQL re-reads: every query finds the same entries
    with it as the search alone, phrases across fields, around stop words,
    in French and negated included."""
    texts = [
        {"title_en": "Medical advice from a chatbot", "summary_en": "Bank fraud."},
        {"title_en": "Advice, medical", "summary_en": "A medical team gave advice."},
        {"title_en": "The bank of America", "narrative_en": "Medical\n\nadvice, split by a paragraph."},
        {"title_en": "Ends with medical", "summary_en": "Advice begins the summary."},
        {"title_fr": "Reconnaissance faciale à l’école", "summary_en": "Facial recognition at school."},
        {"title_en": "Nothing", "harms": ["Medical advice that harmed a patient."]},
    ]
    for fields in texts:
        published_record(**fields)
    queries = {
        "en": [
            '"medical advice"',
            '"medical advice" bank',
            '"medical advice" "bank fraud"',
            '"medical advice" or fraud',
            '-"medical advice" bank',
            '"bank of america"',
            '"ends with medical advice"',
            '"advice medical"',
            '"medical advice',
        ],
        "fr": ['"reconnaissance faciale"', '"Reconnaissance Faciale" école', '"recognition at school"'],
    }
    for lang, typed in queries.items():
        for query in typed:
            browser = RecordBrowser(QueryDict(urlencode({"q": query})), lang)
            listing = browser.listing
            with connection.cursor() as cursor:
                document = f"search_{lang}"
                cursor.execute(
                    "SELECT version_id FROM incidents_listentry"  # noqa: S608 (a column name of ours)
                    f" WHERE {document} @@ websearch_to_tsquery(%s::regconfig, %s)",
                    [search.CONFIGS[lang], query],
                )
                expected = sorted(row[0] for row in cursor.fetchall())
            assert sorted(listing.matching_ids()) == expected, query
    # The pairs are used, and entries are found through them: in a title,
    # across a paragraph, across title and summary (as PostgreSQL's own
    # phrase matching finds it) and in a harm.
    phrase = RecordBrowser(QueryDict('q="medical+advice"'), "en").listing
    assert "dossier_bigrams" in phrase._search[0] and len(phrase.matching_ids()) == 4


@needs_postgresql
def test_a_pages_ids_cached_for_the_next_reader_follow_each_publication(client, db, monkeypatch):
    """The ids of a page of results are cached until the next publication
    (incidents/public/browse/listing.py): the same page again runs no
    statement on the list's entries, and a newly published match is on it
    at once."""
    monkeypatch.setattr(query_module, "PAGE_SIZE", 1)  # the same slice before and after
    # No terms: a new term would change the taxonomies' tree, which the
    # cache key holds too; here only the publication stamp moves.
    older = record_of(published_record(title_en="An okapi seen", terms=[]))
    url = "/en/incidents/?q=okapi&sort=newest"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert older.public_id in client.get(url).content.decode()
    assert not [q for q in queries.captured_queries if "incidents_listentry" in q["sql"]]
    newer = record_of(published_record(title_en="Another okapi", terms=[]))
    html = client.get(url).content.decode()
    assert newer.public_id in html and older.public_id not in html
