"""Home and the record list: published content only, filters, facets, sorting,
pagination, and query strings that must never break the page."""

import re

import pytest
from django.db import transaction
from django.utils import translation
from django.utils.html import escape

from incidents.public.browse import query as filters
from incidents.public.templatetags.record_tags import occurrence
from tests.catalogue import SECRETS, build_catalogue, ids, page, public_ids

pytestmark = pytest.mark.django_db

LANGS = ["en", "fr"]


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    """Built once for the module (it takes a second on PostgreSQL) and rolled
    back at its end; each test still runs in its own transaction inside."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_catalogue()
        transaction.set_rollback(True)


def facet_values(html, name):
    return re.findall(rf'name="{re.escape(name)}" value="([^"]+)"', html)


def facet_count(html, name, value):
    match = re.search(
        rf'id="f-{re.escape(name)}-{re.escape(value)}" name="{re.escape(name)}"[^>]*>\s*<label[^>]*>.*?\((\d+)\)</span>',
        html,
        re.S,
    )
    return int(match.group(1)) if match else None


# Nothing unpublished ---------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_unpublished_content_never_reaches_home_or_the_list(client, catalogue, lang):
    pages = [page(client, f"/{lang}/"), page(client, f"/{lang}/incidents/")]
    pages += [page(client, f"/{lang}/incidents/?sort={sort}") for sort in ("updated", "occurred", "severity", "title")]
    for html in pages:
        for state, word in SECRETS.items():
            assert word not in html, (state, lang)
    listed = public_ids(pages[1])
    assert sorted(listed) == sorted(ids(*catalogue.published))
    for hidden in (catalogue.draft, catalogue.in_review, catalogue.approved, catalogue.withdrawn):
        assert hidden.record.public_id not in pages[0] + pages[1]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("state", sorted(SECRETS))
def test_search_never_finds_unpublished_text(client, catalogue, lang, state):
    word = SECRETS[state]
    html = page(client, f"/{lang}/incidents/?q={word}")
    assert public_ids(html) == []
    # The query itself is echoed (search box, links); the texts that hold it are not.
    for prefix in ("Title", "Titre", "Summary", "Résumé", "Narrative", "Récit", "Harm", "Préjudice", "<mark>"):
        assert f"{prefix} {word}" not in html and f"<mark>{word}" not in html


@pytest.mark.parametrize("lang", LANGS)
def test_facets_and_counts_cover_published_records_only(client, catalogue, lang):
    html = page(client, f"/{lang}/incidents/")
    # Terms, taxonomies, entities and countries that only unpublished
    # versions use are not offered.
    assert "secret-sector" not in html and "Secret sector" not in html and "Secteur secret" not in html
    assert "secret-taxonomy" not in html and "Taxonomie secrète" not in html
    assert "secret-entity" not in html
    assert "JP" not in facet_values(html, "country")
    assert sorted(facet_values(html, "country")) == ["CA", "FR", "US"]
    assert facet_count(html, "country", "CA") == 2  # deepfakes and chatbot; not the withdrawn one
    assert facet_count(html, "kind", "incident") == 3
    assert facet_count(html, "kind", "hazard") == 1
    assert facet_count(html, "severity", "4") == 1  # the unpublished ones are all critical too
    assert facet_count(html, "entity", "rcmp") == 2
    assert facet_count(html, "term-sector", "finance") == 2  # itself and, through banking, deepfakes
    assert facet_count(html, "term-sector", "banking") == 1
    home = page(client, f"/{lang}/")
    counts = re.sub(r"\s+", " ", home)
    assert re.search(r"<strong>3</strong> incidents", counts) and re.search(
        r"<strong>1</strong> (hazard|danger)", counts
    )


@pytest.mark.parametrize("lang", LANGS)
def test_a_term_used_only_by_unpublished_versions_is_refused_as_a_filter(client, catalogue, lang):
    html = page(client, f"/{lang}/incidents/?term-sector=secret-sector&entity=secret-entity&country=JP")
    assert 'class="problems"' in html
    assert SECRETS["draft"] not in html
    # The invalid filters are dropped: all published records remain.
    assert sorted(public_ids(html)) == sorted(ids(*catalogue.published))


def test_pending_revision_does_not_replace_the_live_version_in_lists(client, catalogue):
    html = page(client, "/en/incidents/")
    assert "Machine translation error in an asylum file" in html
    assert SECRETS["pending_revision"] not in html


# Home ------------------------------------------------------------------------


def test_home_shows_latest_and_recently_updated_records(client, catalogue):
    html = page(client, "/en/")
    latest, _sep, updated = html.partition('id="updated-heading"')
    assert public_ids(latest) == ids(catalogue.translation, catalogue.chatbot, catalogue.voice, catalogue.deepfakes)
    # Only a record with a second published version counts as updated.
    assert public_ids(updated) == ids(catalogue.chatbot)
    assert 'role="search"' in html and 'name="q"' in html


# Filters ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=hazard", ["voice"]),
        ("kind=incident", ["deepfakes", "chatbot", "translation"]),
        ("kind=incident&kind=hazard", ["deepfakes", "voice", "chatbot", "translation"]),
        ("severity=4", ["chatbot"]),
        ("severity=3&severity=2", ["deepfakes", "voice"]),
        ("verification=5", ["chatbot"]),
        ("country=CA", ["deepfakes", "chatbot"]),
        ("country=FR&country=US", ["voice", "chatbot"]),
        ("entity=acme-bank", ["voice", "chatbot"]),
        ("entity=rcmp&entity=acme-bank", ["deepfakes", "voice", "chatbot"]),
        # A broader term includes the records classified under its narrower ones.
        ("term-sector=finance", ["deepfakes", "voice"]),
        ("term-sector=banking", ["deepfakes"]),
        ("term-sector=health", ["chatbot"]),
        ("term-harm-type=fraud", ["deepfakes"]),
        ("term-sector=finance&term-harm-type=fraud", ["deepfakes"]),
        # Different filters must all hold.
        ("kind=incident&country=CA&entity=acme-bank", ["chatbot"]),
        ("kind=hazard&severity=4", []),
        # Occurrence dates: a range counts when it overlaps the period.
        ("date_from=2025-01-01", ["deepfakes"]),
        ("date_to=2023-03-01", ["chatbot", "translation"]),
        ("date_from=2023-06-01&date_to=2023-12-31", ["chatbot"]),
        ("date_from=2024-03-01&date_to=2024-03-01", ["voice"]),
    ],
)
def test_each_filter_narrows_the_list(client, catalogue, query, expected):
    html = page(client, f"/en/incidents/?{query}")
    assert sorted(public_ids(html)) == sorted(ids(*(getattr(catalogue, name) for name in expected)))
    assert 'class="problems"' not in html
    count = len(expected)
    assert f'role="status">{count} record{"" if count == 1 else "s"}' in html


def test_facet_counts_ignore_their_own_filter_but_apply_the_others(client, catalogue):
    html = page(client, "/en/incidents/?kind=incident&country=CA")
    # Kind counts: every record in Canada, whatever its kind.
    assert facet_count(html, "kind", "incident") == 2
    assert facet_count(html, "kind", "hazard") is None  # no hazard in Canada
    # Country counts: every incident, whatever its country.
    assert facet_count(html, "country", "US") == 1
    assert facet_count(html, "country", "CA") == 2
    # Other facets: incidents in Canada only.
    assert facet_count(html, "entity", "rcmp") == 2
    assert facet_count(html, "entity", "acme-bank") == 1
    # Chosen values stay checked.
    assert re.search(r'value="incident" checked', html) and re.search(r'value="CA" checked', html)


def test_search_and_filters_combine(client, catalogue):
    html = page(client, "/en/incidents/?q=chatbot&country=CA")
    assert public_ids(html) == ids(catalogue.chatbot)
    html = page(client, "/en/incidents/?q=chatbot&country=FR")
    assert public_ids(html) == []


# Sorting -----------------------------------------------------------------------


def test_sort_orders(client, catalogue):
    c = catalogue
    assert public_ids(page(client, "/en/incidents/")) == ids(c.translation, c.chatbot, c.voice, c.deepfakes)
    assert public_ids(page(client, "/en/incidents/?sort=updated")) == ids(
        c.chatbot, c.translation, c.voice, c.deepfakes
    )
    assert public_ids(page(client, "/en/incidents/?sort=occurred")) == ids(
        c.deepfakes, c.voice, c.chatbot, c.translation
    )
    assert public_ids(page(client, "/en/incidents/?sort=severity")) == ids(
        c.chatbot, c.deepfakes, c.voice, c.translation
    )
    assert public_ids(page(client, "/en/incidents/?sort=title")) == ids(c.chatbot, c.deepfakes, c.translation, c.voice)


def test_title_sort_uses_the_page_language_and_its_fallback(client, catalogue):
    c = catalogue
    # Des hypertrucages…, Erreur de traduction…, Un agent conversationnel…,
    # and the untranslated hazard sorted by its English title, Voice cloning…
    assert public_ids(page(client, "/fr/incidents/?sort=title")) == ids(c.deepfakes, c.translation, c.chatbot, c.voice)


def test_relevance_is_offered_only_with_a_search(client, catalogue):
    assert 'value="relevance"' not in page(client, "/en/incidents/")
    html = page(client, "/en/incidents/?q=bank")
    assert 'value="relevance" selected' in html
    # Asking for relevance without a search falls back to the default order.
    assert public_ids(page(client, "/en/incidents/?sort=relevance")) == public_ids(page(client, "/en/incidents/"))


# Pagination --------------------------------------------------------------------


def test_pagination_preserves_filters_and_sort(client, catalogue, monkeypatch):
    monkeypatch.setattr(filters, "PAGE_SIZE", 1)
    html = page(client, "/en/incidents/?kind=incident&sort=severity&q=")
    assert 'aria-label="Pages of results"' in html
    links = re.findall(r'<a href="\?([^"]+)"', html)
    next_link = re.search(r'<a href="\?([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    assert "kind=incident" in next_link and "sort=severity" in next_link and "page=2" in next_link
    assert links
    second = page(client, f"/en/incidents/?{next_link}")
    assert public_ids(second) == ids(catalogue.deepfakes)
    assert 'aria-current="page"' in second and 'rel="prev"' in second


# Bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=-1", "Assurez-vous que cette valeur est supérieure ou égale à 1."),
        ("page=abc", "Saisissez un nombre entier."),
        ("kind=robot", "Sélectionnez un choix valide. robot n’en fait pas partie."),
        ("q=" + "x" * 2000, "Assurez-vous que cette valeur comporte au plus 200 caractères (actuellement 2000)."),
        ("q=a%00b", "Le caractère nul n’est pas autorisé."),
        ("date_from=2025-13-45", "Saisissez une date valide."),
        ("date_from=2025-02-01&date_to=2025-01-01", "La fin de la plage de dates ne peut pas précéder son début."),
        ("page=999999999", "Il n’y a pas de page 999\xa0999\xa0999\xa0: les résultats tiennent sur 1\xa0page."),
    ],
)
def test_bad_input_is_explained_in_the_page_language(client, catalogue, query, message):
    html = page(client, f"/fr/incidents/?{query}")
    assert 'class="problems" role="alert"' in html
    assert escape(message) in html or message in html, re.findall(r"<li>[^<]*", html.split('class="problems"')[1])[:4]


def test_a_page_past_the_end_is_empty_and_says_so(client, catalogue):
    html = page(client, "/en/incidents/?page=999999999&kind=incident")
    assert public_ids(html) == []
    assert "There is no page 999,999,999" in html
    assert "Go to the first page" in html


def test_invalid_filters_are_dropped_and_valid_ones_still_apply(client, catalogue):
    html = page(client, "/en/incidents/?kind=hazard&severity=banana")
    assert public_ids(html) == ids(catalogue.voice)
    assert "The other filters still apply." in html


# Languages and formats -----------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_list_and_record_page_say_when_it_happened_the_same_way(client, catalogue, lang):
    """One formatter for the date of occurrence (a range, here)."""
    version = catalogue.chatbot  # occurred over a range of dates
    listed = page(client, f"/{lang}/incidents/")
    shown = page(client, f"/{lang}/incidents/{version.record.public_id}/")
    with translation.override(lang):
        text = occurrence(version)["text"]
    assert text in listed and text in shown


def test_french_list_uses_french_dates_and_words(client, catalogue):
    html = page(client, "/fr/incidents/")
    assert "16 juillet 2025" in html  # occurred on
    assert "mars 2024" in html  # month precision
    assert "du 1er janvier 2023 au 30 juin 2023" in html  # a range
    assert "Gravité" in html and "Filtres" in html
    assert '<html lang="fr">' in html


def test_untranslated_title_is_marked_on_the_french_list(client, catalogue):
    html = page(client, "/fr/incidents/?kind=hazard")
    assert '<span lang="en" class="untranslated">Voice cloning could defeat bank call-centre checks</span>' in html
