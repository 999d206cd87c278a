"""Statistics, the entity and taxonomy indexes, the feeds of an entity and
of a term, and the methodology pages: published content only, the API's
numbers, both languages, bad input answered without a 500, and a fixed
number of queries."""

import json
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents import rules
from incidents.models import Role
from incidents.publishing import workflow
from pages import defaults
from pages.models import Page
from taxonomy.models import TermMapping
from tests.catalogue import SECRETS, build_catalogue, public_pages
from tests.factories import (
    DraftVersionFactory,
    EntityFactory,
    EntityRoleFactory,
    HarmTypeTermFactory,
    PolicyRecommendationFactory,
    PublisherFactory,
    SectorTermFactory,
    SourceFactory,
    published_record,
    record_of,
    release,
)

LANGS = ["en", "fr"]
# Names of reference rows only unpublished versions show (tests/catalogue.py).
SECRET_NAMES = ["Secret Entity", "Entité secrète", "Secret sector", "Secteur secret", "Hidden term", "Terme caché"]
SECRET_SLUGS = ["secret-entity", "secret-sector", "secret-taxonomy"]


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            found = build_catalogue()
            yield found
            transaction.set_rollback(True)


def html(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def new_pages(catalogue, lang):
    wanted = {"statistics", "entities", "entity", "entity of a hazard", "taxonomies", "term"}
    wanted |= {"methodology", "methodology page"}
    return [(label, path) for label, path in public_pages(catalogue, lang) if label in wanted]


def feeds(catalogue, lang):
    return [
        f"/{lang}/entities/{catalogue.rcmp.slug}/feed.atom",
        f"/{lang}/entities/{catalogue.acme.slug}/feed.json",
        f"/{lang}/taxonomy/sector/finance/feed.atom",
        f"/{lang}/taxonomy/sector/finance/feed.json",
    ]


# Published content only ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_no_public_page_or_feed_shows_unpublished_text_or_reference_rows(client, catalogue, lang):
    for label, path in [*public_pages(catalogue, lang), *((url, url) for url in feeds(catalogue, lang))]:
        response = client.get(path)
        text = response.content.decode()
        for state, word in SECRETS.items():
            assert word not in text, (label, path, state)
        if label not in ("page not found",):
            for name in SECRET_NAMES + SECRET_SLUGS:
                assert name not in text, (label, path, name)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_every_new_page_answers_in_its_language(client, catalogue, lang):
    for label, path in new_pages(catalogue, lang):
        page = html(client, path)
        assert f'<html lang="{lang}">' in page, label


@pytest.mark.django_db
def test_unknown_or_unpublished_entities_and_terms_have_no_page_and_no_feed(client, catalogue):
    for path in [
        "/en/entities/no-such-entity/feed.atom",
        "/fr/entities/secret-entity/",
        "/fr/entities/secret-entity/feed.json",
        "/en/taxonomy/sector/secret-sector/feed.atom",
        "/en/taxonomy/secret-taxonomy/hidden/feed.json",
        "/en/taxonomy/no-such/finance/feed.atom",
        "/en/methodology/no-such-page/",
        "/fr/methodology/no-such-page/",
    ]:
        assert client.get(path).status_code == 404, path


@pytest.mark.django_db
def test_bad_query_strings_get_the_page_not_an_error(client, catalogue):
    for path in [
        "/en/statistics/?year=<script>&page=-1",
        "/fr/entities/?letter=%00",
        "/en/taxonomy/?q=%ff",
        f"/fr/entities/{catalogue.rcmp.slug}/?page=nope",
        f"/en/entities/{catalogue.rcmp.slug}/?page=999",
        "/fr/methodology/licence/?x=%00",
    ]:
        assert client.get(path).status_code == 200, path
    for path in ["/en/entities/%00/", "/en/entities/a%20b/feed.atom", "/en/taxonomy/sector/%ff/feed.json"]:
        assert client.get(path).status_code == 404, path


# Statistics --------------------------------------------------------------------------


def page_numbers(page):
    """{facet: {value: count}} read from the tables, and {facet: [counts]}
    read from the SVG charts."""
    tables, charts = {}, {}
    for key, section in re.findall(r'<section class="stat" id="([a-z_]+)"(.*?)</section>', page, re.S):
        tables[key] = {
            value: int(count)
            for value, count in re.findall(
                r'<td class="number" data-value="([^"]*)">([\d\s\u00a0\u202f]+)</td>', section
            )
        }
        svg = re.search(r"<svg.*?</svg>", section, re.S)
        if svg:
            tree = ET.fromstring(svg.group(0))
            charts[key] = [
                int(t.text) for t in tree.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "chart__value"
            ]
        else:
            charts[key] = []
    return tables, charts


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_the_statistics_page_shows_the_apis_numbers_in_its_charts_and_tables(client, catalogue, lang):
    api = client.get("/api/v1/stats/").json()
    page = html(client, f"/{lang}/statistics/")
    tables, charts = page_numbers(page)
    facets = ["year", "kind", "harm_type", "sector", "jurisdiction", "severity", "verification_level"]
    assert sorted(tables) == sorted(facets)
    for facet in facets:
        expected = {"" if row["value"] is None else str(row["value"]): row["count"] for row in api[facet]}
        assert tables[facet] == expected, facet
        assert sorted(charts[facet]) == sorted(expected.values()), facet
    assert api["total"] == len(catalogue.published)
    assert tables["kind"] == {"incident": 3, "hazard": 1}
    assert tables["jurisdiction"] == {"CA": 2, "FR": 1, "US": 1}  # not JP: unpublished only


@pytest.mark.django_db
def test_each_chart_is_an_image_named_by_its_title_and_followed_by_its_table(client, catalogue):
    page = html(client, "/fr/statistics/")
    for svg in re.findall(r"<svg.*?</svg>", page, re.S):
        assert 'role="img"' in svg and "style" not in svg
        labelled = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
        for ident in labelled:
            assert f'id="{ident}"' in svg
        assert "<title" in svg and "<desc" in svg
    assert page.count("<svg") == page.count('<table class="stat__table">') > 0
    assert "Statistiques" in page and "Fiches publiées par gravité" in page


@pytest.mark.django_db
def test_the_home_page_links_to_statistics_and_the_indexes(client, catalogue):
    page = html(client, "/fr/")
    for name in ("incidents:statistics", "incidents:entities", "incidents:taxonomies", "incidents:methodology"):
        assert f'href="/fr{reverse(name)[3:]}"' in page, name


# Entities ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_entity_index_lists_public_entities_from_a_to_z_with_their_record_counts(client):
    zed = EntityFactory(slug="zed", name_en="Zed Labs", name_fr="Laboratoires Zed")
    ecoles = EntityFactory(slug="ecoles", name_en="Schools board", name_fr="Écoles du Nord")
    hidden = EntityFactory(slug="hidden-one", name_en="Hidden One", name_fr="Cachée")
    published_record(entities=[zed, ecoles])
    published_record(entities=[zed])
    EntityRoleFactory(version=DraftVersionFactory(), entity=hidden)
    page = html(client, "/fr/entities/")
    assert '<h2 id="letter-e-heading">E</h2>' in page and '<h2 id="letter-l-heading">L</h2>' in page
    assert page.index("Écoles du Nord") < page.index("Laboratoires Zed")
    assert re.search(r'href="/fr/entities/zed/">Laboratoires Zed</a> <span class="index-list__count">2 fiches', page)
    assert re.search(r'href="/fr/entities/ecoles/">Écoles du Nord</a> <span class="index-list__count">1 fiche<', page)
    assert "Cachée" not in page and "hidden-one" not in page


@pytest.mark.django_db
def test_an_entity_page_groups_its_records_by_the_entitys_role(client):
    entity = EntityFactory(slug="maker", name_en="Maker Inc.")
    built = DraftVersionFactory(title_en="Record it built")
    EntityRoleFactory(version=built, entity=entity, role=Role.DEVELOPER)
    built = release(built)
    used = DraftVersionFactory(title_en="Record it deployed and built")
    EntityRoleFactory(version=used, entity=entity, role=Role.DEPLOYER)
    EntityRoleFactory(version=used, entity=entity, role=Role.DEVELOPER)
    used = release(used)
    advised = DraftVersionFactory(title_en="Record it advised on")
    PolicyRecommendationFactory(version=advised, authority=entity)
    advised = release(advised)
    page = html(client, "/en/entities/maker/")
    developer = page.index('id="role-developer"')
    deployer = page.index('id="role-deployer"')
    authority = page.index('id="role-authority"')
    assert developer < deployer < authority
    developers = page[developer:deployer]
    assert "Record it built" in developers and "Record it deployed and built" in developers
    assert "Record it built" not in page[deployer:authority] and "Record it advised on" in page[authority:]


# Taxonomies ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_taxonomy_index_is_a_tree_with_counts_and_external_codes(client, catalogue):
    TermMapping.objects.create(term=catalogue.fraud, scheme="mit", code="4.3", label="Fraud, scams")
    page = html(client, "/en/taxonomy/")
    finance = page.index('href="/en/taxonomy/sector/finance/"')
    banking = page.index('href="/en/taxonomy/sector/banking/"')
    health = page.index('href="/en/taxonomy/sector/health/"')
    assert finance < banking < health
    # Banking is nested under finance: its list opens before finance's item closes.
    assert page[finance:banking].count('<ul class="term-tree">') == 1
    assert re.search(r'sector/finance/">Finance</a>\s*<span class="index-list__count">2 records', page)
    assert re.search(r'sector/banking/">Banking</a>\s*<span class="index-list__count">1 record<', page)
    assert "MIT AI Risk Repository 4.3" in page
    assert 'id="taxonomy-harm-type"' in page


# Feeds of an entity and of a term --------------------------------------------------------------


@pytest.mark.django_db
def test_an_entitys_feed_has_its_published_records_only_and_is_linked_from_its_page(client, catalogue):
    atom = feedparser.parse(client.get(f"/en/entities/{catalogue.rcmp.slug}/feed.atom").content)
    titles = [entry.title for entry in atom.entries]
    assert any("Deepfake job applicants" in title for title in titles)
    assert any("Chatbot gave dangerous medical advice" in title for title in titles)
    assert not any("Voice cloning" in title for title in titles)  # Acme's, not the RCMP's
    assert "Royal Canadian Mounted Police" in atom.feed.title
    page = html(client, f"/en/entities/{catalogue.rcmp.slug}/")
    assert (
        f'<link rel="alternate" type="application/atom+xml" href="/en/entities/{catalogue.rcmp.slug}/feed.atom"' in page
    )
    assert f'type="application/feed+json" href="/en/entities/{catalogue.rcmp.slug}/feed.json"' in page


@pytest.mark.django_db
def test_a_terms_feed_includes_narrower_terms_and_is_in_the_pages_language(client, catalogue):
    response = client.get("/fr/taxonomy/sector/finance/feed.json")
    assert response["Content-Type"].startswith("application/feed+json")
    body = json.loads(response.content)
    titles = [item["title"] for item in body["items"]]
    assert any("hypertrucages" in title for title in titles)  # classified under banking, narrower
    assert any(catalogue.voice.record.public_id in title for title in titles)
    assert not any("agent conversationnel" in title for title in titles)  # health
    assert body["title"] == "Dossier\u00a0: fiches classées sous Finance"
    page = html(client, "/fr/taxonomy/sector/finance/")
    assert 'href="/fr/taxonomy/sector/finance/feed.atom"' in page


@pytest.mark.django_db
def test_an_entity_feed_shows_a_withdrawn_records_notice_not_its_content(client):
    entity = EntityFactory(slug="withdrawn-one", name_en="Withdrawn Co")
    published_record(title_en="Still published", entities=[entity])
    version = published_record(title_en="Title to be withdrawn", entities=[entity])
    workflow.withdraw(record_of(version), by=PublisherFactory(), reason_en="Duplicate.", reason_fr="Doublon.")
    text = client.get("/en/entities/withdrawn-one/feed.atom").content.decode()
    assert "Still published" in text
    assert "Title to be withdrawn" not in text and f"{record_of(version).public_id} v1: record withdrawn" in text


# Methodology ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_six_methodology_pages_exist_complete_in_both_languages(client):
    pages = {page.slug: page for page in Page.objects.all()}
    assert set(defaults.SLUGS) <= set(pages)
    for slug in defaults.SLUGS:
        page = pages[slug]
        for lang in LANGS:
            assert getattr(page, f"title_{lang}") and getattr(page, f"body_{lang}"), (slug, lang)
        french = page.title_fr + page.summary_fr + page.body_fr
        assert "'" not in french and " :" not in french and "« " not in french and " »" not in french, slug
        assert page.history.exists(), slug
    assert "Corroboré par des sources indépendantes" in html(client, "/fr/methodology/verification-levels/")
    assert "Critical" in html(client, "/en/methodology/severity-scale/")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/en/", "/fr/incidents/", "/fr/no-such-page/", "/en/statistics/"])
def test_every_page_footer_links_to_each_methodology_page(client, path):
    response = client.get(path)
    lang = path[1:3]
    footer = response.content.decode().split('<footer class="site-footer">')[1]
    for slug in defaults.SLUGS:
        assert f'href="/{lang}/methodology/{slug}/"' in footer, slug
        assert client.get(f"/{lang}/methodology/{slug}/").status_code == 200


@pytest.mark.django_db
def test_only_publishers_edit_methodology_pages_and_every_edit_is_kept(client, editor, reviewer, publisher):
    page = Page.objects.get(slug=defaults.LICENCE)
    url = reverse("admin:pages_page_change", args=[page.pk])
    for user in (editor, reviewer):
        client.force_login(user)
        assert client.get(url).status_code == 200  # read-only view
        response = client.post(url, {"title_en": "Hijacked", "title_fr": "Détourné", "body_en": "x", "body_fr": "x"})
        assert response.status_code == 403
        assert not rules.may_edit_methodology(user)
    client.force_login(publisher)
    assert rules.may_edit_methodology(publisher)
    data = {
        "title_en": "Licence",
        "title_fr": "Licence",
        "summary_en": page.summary_en,
        "summary_fr": page.summary_fr,
        "body_en": "Records are **CC BY 4.0**.",
        "body_fr": "Les fiches sont sous **CC BY 4.0**.",
        "order": page.order,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page.refresh_from_db()
    assert page.body_fr == "Les fiches sont sous **CC BY 4.0**." and page.slug == defaults.LICENCE
    latest = page.history.first()
    assert latest.history_user == publisher and latest.body_en == "Records are **CC BY 4.0**."
    assert "<strong>CC BY 4.0</strong>" in html(client, "/fr/methodology/licence/")
    assert client.post(reverse("admin:pages_page_delete", args=[page.pk])).status_code == 403


@pytest.mark.django_db
def test_a_methodology_page_renders_markdown_without_raw_html(client, publisher):
    page = Page.objects.get(slug=defaults.CORRECTIONS)
    page.body_en = "Hello <script>alert(1)</script> [x](javascript:alert(1))"
    page.save()
    text = html(client, "/en/methodology/corrections/")
    assert "<script>alert" not in text and "javascript:" not in text


# Sitemap -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sitemap_lists_indexes_entities_terms_and_methodology_pages_but_no_secret_row(client, catalogue):
    index = client.get("/sitemap.xml").content.decode()
    sections = re.findall(r"<loc>http://testserver(/sitemap-[a-z]+\.xml)</loc>", index)
    text = "".join(client.get(section).content.decode() for section in sections)
    for path in [
        "/en/statistics/",
        "/fr/entities/",
        "/en/taxonomy/",
        "/fr/methodology/review-process/",
        f"/en/entities/{catalogue.rcmp.slug}/",
        "/fr/taxonomy/sector/finance/",
        "/en/taxonomy/sector/banking/",
    ]:
        assert f"http://testserver{path}" in text, path
    for slug in SECRET_SLUGS:
        assert slug not in text


# Queries --------------------------------------------------------------------------------------

PAGES = [
    "/{lang}/statistics/",
    "/{lang}/entities/",
    "/{lang}/entities/maker/",
    "/{lang}/taxonomy/",
    "/{lang}/methodology/",
    "/{lang}/methodology/licence/",
    "/{lang}/entities/maker/feed.atom",
    "/{lang}/taxonomy/sector/{sector}/feed.json",
]


def add_records(count, maker, sector, harm_type, source):
    """Published records involving ``maker`` and one new entity each."""
    for index in range(count):
        published_record(
            title_en=f"Record {index}",
            terms=[sector, harm_type],
            entities=[maker, EntityFactory()],
            countries=["CA", "FR"] if index % 2 else ["JP"],
            harms=["A harm"],
            sources=[source],
        )


def queries(client, url):
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_new_pages_cost_the_same_queries_for_3_or_12_records(client, lang):
    parts = (EntityFactory(slug="maker"), SectorTermFactory(), HarmTypeTermFactory(), SourceFactory())
    urls = [url.format(lang=lang, sector=parts[1].slug) for url in PAGES]
    add_records(3, *parts)
    few = {url: queries(client, url) for url in urls}
    add_records(9, *parts)
    many = {url: queries(client, url) for url in urls}
    assert many == few
    assert max(many.values()) <= 30, many


# Cached until what they show can change -------------------------------------------------


@pytest.mark.django_db
def test_statistics_and_indexes_count_a_record_published_after_they_were_served(client):
    entity = EntityFactory(name_en="Early Entity", name_fr="Entité précoce")
    sector = SectorTermFactory(name_en="Early sector", name_fr="Secteur précoce")
    published_record(entities=[entity], terms=[sector])
    first = (html(client, "/en/statistics/"), html(client, "/en/entities/"), html(client, "/en/taxonomy/"))
    later = EntityFactory(name_en="Later Entity", name_fr="Entité tardive")
    published_record(entities=[later, entity], terms=[sector])
    stats, entities, taxonomy = (
        html(client, "/en/statistics/"),
        html(client, "/en/entities/"),
        html(client, "/en/taxonomy/"),
    )
    assert "Later Entity" not in first[1] and "Later Entity" in entities

    def total(page):
        return int(re.search(r"<strong>(\d+)</strong> published record", page)[1])

    assert total(stats) == total(first[0]) + 1
    assert taxonomy != first[2]


@pytest.mark.django_db
def test_the_taxonomy_index_shows_a_code_mapped_after_it_was_served(client):
    sector = SectorTermFactory(name_en="Mapped sector", name_fr="Secteur associé")
    published_record(terms=[sector])
    assert "9.99" not in html(client, "/en/taxonomy/")
    TermMapping.objects.create(term=sector, scheme="mit", code="9.99", label="A new code")
    assert "9.99" in html(client, "/en/taxonomy/")
