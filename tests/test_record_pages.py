"""The public record pages: the live version, each published version, what
changed, withdrawal notices, and the rule that nothing unreviewed shows."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape

from incidents.models import VERSION_PART_MODELS, DatePrecision, HazardLink, RecordVersion
from incidents.public.templatetags.record_tags import occurrence
from incidents.publishing import workflow
from tests.factories import (
    ApprovedVersionFactory,
    CitationFactory,
    ClassificationFactory,
    DraftVersionFactory,
    EntityFactory,
    EntityResponseFactory,
    EntityRoleFactory,
    ExternalIdFactory,
    HarmFactory,
    HazardDraftVersionFactory,
    HazardLinkFactory,
    InReviewVersionFactory,
    JurisdictionFactory,
    PolicyRecommendationFactory,
    PublishedHazardVersionFactory,
    PublishedVersionFactory,
    PublisherFactory,
    RecommendationAuthorityFactory,
    SourceFactory,
    TermFactory,
    approve,
    full_record,
    record_of,
    release,
    revise,
)

pytestmark = pytest.mark.django_db

SECTION_IDS = [
    "summary-heading",
    "details-heading",
    "narrative-heading",
    "materialized-heading",
    "harms-heading",
    "evidence-heading",
    "recommendations-heading",
    "assessment-heading",
    "entities-heading",
    "taxonomy-heading",
    "changelog-heading",
    "cite-heading",
]
HEADINGS = {
    "en": [
        "Summary",
        "Record details",
        "Narrative",
        "Materialized from",
        "Harms",
        "Evidence",
        "Policy recommendations",
        "Editorial assessment",
        "Entities involved",
        "Taxonomy",
        "Changelog",
        "Cite this record",
    ],
    "fr": [
        "Résumé",
        "Détails de la fiche",
        "Récit",
        "Issu du danger",
        "Préjudices",
        "Éléments de preuve",
        "Recommandations en matière de politiques",
        "Évaluation éditoriale",
        "Entités concernées",
        "Taxonomie",
        "Journal des modifications",
        "Citer cette fiche",
    ],
}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def page(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.content.decode()


def publish_revision(record, edit=lambda draft: None, note=("Corrected attribution", "Attribution corrigée")):
    draft = revise(record)
    edit(draft)
    return release(draft, note=note)


def retitle(title_en, title_fr=None):
    def edit(draft):
        draft.title_en = title_en
        if title_fr is not None:
            draft.title_fr = title_fr
        draft.save()

    return edit


@pytest.fixture
def seed_record():
    """The seed record, published twice (v2 live)."""
    v1 = full_record()
    v2 = publish_revision(
        v1.record,
        note=(
            "Neutrality and factuality review: corrected policy recommendation attribution",
            "Révision de neutralité et des faits : attribution de la recommandation corrigée",
        ),
    )
    return v1, v2


def headings(html):
    return re.findall(r'<h2 id="([a-z-]+)"[^>]*>\s*([^<]*?)\s*(?:<|$)', html)


# The full page ------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_record_page_shows_every_section_of_the_seed_in_order(client, seed_record, lang):
    _v1, v2 = seed_record
    html = page(client, f"/{lang}/incidents/{v2.record.public_id}/")
    found = headings(html)
    assert [heading_id for heading_id, _text in found] == SECTION_IDS
    assert [text for _id, text in found] == HEADINGS[lang]

    def has(text):
        assert text in html, text

    has('<span class="kind kind--incident">Incident</span>')
    has(escape(getattr(v2, f"title_{lang}")))
    has("Jasper Sleet")
    has("HAZ-0001")  # materialized from a published hazard
    for harm in v2.harms.all():
        has(escape(getattr(harm, f"description_{lang}")))
    has({"en": "3 reports", "fr": "3 sources"}[lang])
    has({"en": "Primary source", "fr": "Source primaire"}[lang])
    has({"en": "Recommended by", "fr": "Recommandé par"}[lang])
    has({"en": "Royal Canadian Mounted Police", "fr": "Gendarmerie royale du Canada"}[lang])
    has({"en": "Reporting authority", "fr": "Autorité déclarante"}[lang])
    has({"en": "Information technology", "fr": "Technologies de l&#x27;information"}[lang])
    has({"en": "AI-generated video deepfakes", "fr": "Hypertrucages vidéo générés par IA"}[lang])
    has({"en": "July 16, 2025", "fr": "16 juillet 2025"}[lang])
    has({"en": "Canada – Ontario", "fr": "Canada – Ontario"}[lang])
    has({"en": "United States of America", "fr": "États-Unis"}[lang])
    # Changelog: a real table, each version linked to its permalink, notes in the page's language.
    has('<th scope="col">Version</th>')
    has({"en": '<th scope="col">Change</th>', "fr": '<th scope="col">Modification</th>'}[lang])
    has(f'<a href="/{lang}/incidents/{v2.record.public_id}/v1/">v1</a>')
    has(f'<a href="/{lang}/incidents/{v2.record.public_id}/v2/">v2</a>')
    has({"en": "Initial publication", "fr": "Première publication"}[lang])
    has({"en": "corrected policy recommendation attribution", "fr": "attribution de la recommandation corrigée"}[lang])
    # Cite this record: the version's permalink.
    has(f"http://testserver/{lang}/incidents/{v2.record.public_id}/v2/")


def test_record_header_gives_kind_id_and_one_line_status(client, seed_record):
    _v1, v2 = seed_record
    html = page(client, f"/fr/incidents/{v2.record.public_id}/")
    status = re.search(r'<p class="record-status">(.*?)</p>', html, re.S).group(1)
    status = re.sub(r"[ \t\n]+", " ", status)  # not str.split(): it would eat the no-break spaces
    assert "Niveau de vérification\u00a0: Confirmé officiellement" in status
    assert "Gravité\u00a0: Élevée" in status
    assert "Version 2" in status
    assert "Dernière mise à jour le" in status


def test_inline_citations_link_to_the_evidence_list_and_back(client, seed_record):
    _v1, v2 = seed_record
    html = page(client, f"/en/incidents/{v2.record.public_id}/")
    assert '<a class="citation" href="#source-bnn-2025" id="cite-narrative-source-bnn-2025-1"' in html
    assert '<li id="source-bnn-2025" class="source">' in html
    assert '<a href="#cite-narrative-source-bnn-2025-1">' in html
    # The primary source is cited first in the summary: its back link goes there.
    assert '<a href="#cite-summary-source-rcmp-2025-1">' in html


def test_inline_citation_label_is_in_the_page_language(client, seed_record):
    _v1, v2 = seed_record
    html = page(client, f"/fr/incidents/{v2.record.public_id}/")
    assert 'id="cite-narrative-source-rcmp-2025-1"' in html and ">GRC, 2025</a>" in html


def test_sources_show_their_details_in_their_own_language(client):
    version = DraftVersionFactory(narrative_en="Text [@le-devoir].")
    source = SourceFactory(
        title="Des informaticiens nord-coréens", language="fr", archived_url="https://web.archive.org/web/2025/x"
    )
    CitationFactory(version=version, source=source, key="le-devoir", is_primary=True)
    live = release(version)
    html = page(client, f"/en/incidents/{live.record.public_id}/")
    assert '<cite lang="fr"><a href="https://example.org/advisories/' in html
    assert '<a href="https://web.archive.org/web/2025/x">Archived copy</a>' in html
    assert f'<a href="/en/sources/{source.pk}/">' in html


def test_recommendation_attribution_links_its_authority_and_source(client, seed_record):
    _v1, v2 = seed_record
    html = page(client, f"/en/incidents/{v2.record.public_id}/")
    authority = v2.recommendations.first().authority
    assert f'Recommended by <a href="/en/entities/{authority.slug}/">Royal Canadian Mounted Police</a>' in html
    assert '<a href="#source-rcmp-2025">Joint advisory (July 16, 2025)</a>' in html


def test_entities_and_terms_link_to_their_pages(client, seed_record):
    _v1, v2 = seed_record
    html = page(client, f"/en/incidents/{v2.record.public_id}/")
    for role in v2.entity_roles.all():
        assert f'<a href="/en/entities/{role.entity.slug}/">' in html
    for classification in v2.classifications.all():
        term = classification.term
        assert f'<a href="/en/taxonomy/{term.taxonomy.slug}/{term.slug}/">' in html


@pytest.mark.parametrize(
    ("lang", "precision", "start", "end", "label", "text"),
    [
        ("en", DatePrecision.DAY, datetime.date(2025, 7, 16), None, "Occurred on", "July 16, 2025"),
        ("fr", DatePrecision.DAY, datetime.date(2025, 7, 16), None, "Survenu le", "16 juillet 2025"),
        ("en", DatePrecision.MONTH, datetime.date(2025, 7, 1), None, "Occurred in", "July 2025"),
        ("fr", DatePrecision.MONTH, datetime.date(2025, 7, 1), None, "Survenu en", "juillet 2025"),
        ("en", DatePrecision.YEAR, datetime.date(2025, 1, 1), None, "Occurred in", "2025"),
        ("fr", DatePrecision.YEAR, datetime.date(2025, 1, 1), None, "Survenu en", "2025"),
        (
            "en",
            DatePrecision.RANGE,
            datetime.date(2025, 7, 16),
            datetime.date(2025, 8, 3),
            "Occurred",
            "July 16, 2025 – August 3, 2025",
        ),
        (
            "fr",
            DatePrecision.RANGE,
            datetime.date(2025, 7, 16),
            datetime.date(2025, 8, 3),
            "Survenu",
            "du 16 juillet 2025 au 3 août 2025",
        ),
    ],
)
def test_date_of_occurrence_is_formatted_by_its_precision(lang, precision, start, end, label, text):
    version = RecordVersion(occurred_on=start, occurred_until=end, occurrence_precision=precision)
    with translation.override(lang):
        assert occurrence(version) == {"label": label, "text": text}


def test_unknown_date_of_occurrence_is_left_out():
    assert occurrence(RecordVersion(occurred_on=None)) is None


def test_key_facts_show_country_names_in_the_page_language(client):
    version = DraftVersionFactory()
    JurisdictionFactory(version=version, country="DE", region_en="Bavaria", region_fr="Bavière")
    live = release(version)
    assert "Allemagne – Bavière" in page(client, f"/fr/incidents/{live.record.public_id}/")
    assert "Germany – Bavaria" in page(client, f"/en/incidents/{live.record.public_id}/")


# Untranslated French ---------------------------------------------------------------


def test_missing_french_is_shown_in_english_marked_untranslated_everywhere(client):
    version = DraftVersionFactory(title_fr="", narrative_en="Body [@k1].", narrative_fr="")
    CitationFactory(
        version=version, key="k1", is_primary=True, label_en="Agency, 2025", label_fr="", corroborates_fr=""
    )
    HarmFactory(version=version, description_en="Harm only in English", description_fr="")
    PolicyRecommendationFactory(version=version, text_en="Recommendation only in English", text_fr="")
    EntityRoleFactory(version=version, entity=EntityFactory(name_en="Agency only in English", name_fr=""))
    ClassificationFactory(version=version, term=TermFactory(name_en="Term only in English", name_fr=""))
    live = release(version)
    html = page(client, f"/fr/incidents/{live.record.public_id}/")
    for english in (
        live.title_en,
        "Harm only in English",
        "Recommendation only in English",
        "Agency only in English",
        "Term only in English",
    ):
        assert f'<span lang="en" class="untranslated">{english}</span>' in html, english
    # The note is French, so it stays outside the element marked lang="en".
    assert (
        '<div class="untranslated"><p class="untranslated-note">Pas encore traduit en français</p><div lang="en">'
        in html
    )
    assert '<span lang="en">Agency, 2025</span>' in html  # the inline citation label
    assert "(Pas encore traduit en français)" in html
    assert "Not yet translated" not in page(client, f"/en/incidents/{live.record.public_id}/")


# Versions ----------------------------------------------------------------------------


def test_earlier_version_is_shown_whole_with_a_banner_to_the_latest(client, seed_record):
    v1, v2 = seed_record
    record = v2.record
    harm = v1.harms.first()
    html = page(client, f"/en/incidents/{record.public_id}/v1/")
    assert [heading_id for heading_id, _text in headings(html)] == SECTION_IDS
    assert "You are reading version 1 of this record" in html
    assert f'<a href="/en/incidents/{record.public_id}/">version 2, the latest version</a>' in html
    assert harm.description_en in html
    assert f'<link rel="canonical" href="http://testserver/en/incidents/{record.public_id}/v1/">' in html
    assert f"http://testserver/en/incidents/{record.public_id}/v1/" in html  # its own permalink to cite


def test_earlier_version_shows_its_own_content_not_the_live_one(client):
    v1 = PublishedVersionFactory(title_en="First title")
    publish_revision(v1.record, retitle("Second title"))
    html = page(client, f"/en/incidents/{v1.record.public_id}/v1/")
    assert "First title" in html and "Second title" not in html.split("<main")[1].split("Changelog")[0]
    html = page(client, f"/en/incidents/{v1.record.public_id}/")
    assert "Second title" in html


def test_live_version_number_shows_the_current_version(client, seed_record):
    _v1, v2 = seed_record
    html = page(client, f"/fr/incidents/{v2.record.public_id}/v2/")
    assert "la version actuelle" in html and "Vous lisez la version" not in html
    assert f'<link rel="canonical" href="http://testserver/fr/incidents/{v2.record.public_id}/">' in html


# What changed -----------------------------------------------------------------------


def test_changes_page_shows_what_changed_between_two_versions(client):
    v1 = PublishedVersionFactory(title_en="Deepfake applicants", title_fr="Candidats hypertrucés")

    def edit(draft):
        draft.title_en = "Deepfake job applicants"
        draft.save()
        HarmFactory(version=draft, description_en="A harm added in v2", description_fr="Un préjudice ajouté en v2")

    publish_revision(v1.record, edit)
    html = page(client, f"/en/incidents/{v1.record.public_id}/changes/?from=1&to=2")
    assert "From version 1 to version 2" in html
    assert "Deepfake <ins>job </ins>applicants" in html or "<ins>job</ins>" in html
    assert "A harm added in v2" in html and "Added" in html
    assert "Change notes" in html and "Corrected attribution" in html
    html = page(client, f"/fr/incidents/{v1.record.public_id}/changes/?from=1&to=2")
    assert "Seul le texte anglais a changé." in html  # the French title is untouched
    assert "Un préjudice ajouté en v2" in html and "Ajouté" in html


def test_changes_page_lists_the_change_notes_of_every_version_in_between(client):
    v1 = PublishedVersionFactory(title_en="One")
    publish_revision(v1.record, retitle("Two"), note=("Made it two", "Deux"))
    publish_revision(v1.record, retitle("Three"), note=("Made it three", "Trois"))
    html = page(client, f"/en/incidents/{v1.record.public_id}/changes/?from=1&to=3")
    assert "Made it two" in html and "Made it three" in html and "Initial publication" not in html
    backwards = page(client, f"/en/incidents/{v1.record.public_id}/changes/?from=3&to=1")
    assert "From version 3 to version 1" in backwards and "Made it two" not in backwards


def test_record_pages_refuse_unsafe_methods(client):
    live = PublishedVersionFactory()
    assert client.post(f"/en/incidents/{live.record.public_id}/").status_code == 405
    assert client.post(f"/en/incidents/{live.record.public_id}/changes/").status_code == 405


def test_changes_page_without_a_choice_compares_the_latest_two_versions(client):
    v1 = PublishedVersionFactory(title_en="One")
    publish_revision(v1.record, retitle("Two"))
    publish_revision(v1.record, retitle("Three"))
    html = page(client, f"/en/incidents/{v1.record.public_id}/changes/")
    assert "From version 2 to version 3" in html


def test_changes_page_of_a_record_with_one_version_says_so(client):
    live = PublishedVersionFactory()
    html = page(client, f"/fr/incidents/{live.record.public_id}/changes/")
    assert "une seule version publiée" in html


@pytest.mark.parametrize(
    "query",
    [
        "from=abc&to=2",
        "from=-1&to=2",
        "from=1&to=1",
        "from=1&to=999999999999",
        "from=1",
        "to=2",
        "from=&to=",
        "from=" + "9" * 2000 + "&to=2",
        "from=%25&to=2",
        "from=%27%22%3E%3Cscript%3E&to=2",
        "from=1.5&to=2",
        "from=0&to=2",
        "from=3&to=2",
        "from=1&to=2&to=x",
    ],
)
def test_bad_comparison_choices_get_a_clear_message_never_a_500(client, query):
    v1 = PublishedVersionFactory()
    publish_revision(v1.record, retitle("Two"))
    response = client.get(f"/en/incidents/{v1.record.public_id}/changes/?{query}")
    assert response.status_code in (400, 404)
    html = response.content.decode()
    if response.status_code == 400:
        assert "Choose" in html
        assert "<script>" not in html
        assert '<select name="from"' in html  # the form is there to try again


def test_unpublished_version_number_is_refused_on_the_changes_page(client):
    v1 = PublishedVersionFactory()
    publish_revision(v1.record, retitle("Two"))
    draft = revise(v1.record)
    draft.title_en = "Pending secret"
    draft.save()
    response = client.get(f"/en/incidents/{v1.record.public_id}/changes/?from=2&to=3")
    assert response.status_code == 400 and "Pending secret" not in response.content.decode()


# Nothing unreviewed ---------------------------------------------------------------------


def record_urls(public_id, lang):
    base = f"/{lang}/incidents/{public_id}"
    return [
        f"{base}/",
        f"{base}/v1/",
        f"{base}/v2/",
        f"{base}/changes/?from=1&to=2",
        f"{base}/v1/cite.bib",
        f"{base}/v1/cite.json",
    ]


@pytest.mark.parametrize(
    "factory", [DraftVersionFactory, InReviewVersionFactory, ApprovedVersionFactory, HazardDraftVersionFactory]
)
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_never_published_records_answer_404_at_every_url(client, factory, lang):
    version = factory(title_en="Unreviewed secret", title_fr="Secret non révisé")
    for url in record_urls(version.record.public_id, lang):
        response = client.get(url)
        assert response.status_code == 404, url
        body = response.content.decode()
        assert "Unreviewed secret" not in body and "Secret non révisé" not in body


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_pending_revision_never_shows_in_any_state(client, lang):
    live = full_record()
    public_id = live.record.public_id
    draft = revise(live.record)
    draft.title_en = draft.title_fr = "PENDING-TITLE-SECRET"
    draft.summary_en = draft.summary_fr = "PENDING-SUMMARY-SECRET"
    draft.save()
    HarmFactory(version=draft, description_en="PENDING-HARM-SECRET", description_fr="PENDING-HARM-SECRET")
    HazardLinkFactory(version=draft, hazard=PublishedHazardVersionFactory(title_en="PENDING-HAZARD-SECRET").record)

    def assert_hidden():
        cache.clear()
        for url in record_urls(public_id, lang):
            response = client.get(url)
            body = response.content.decode()
            assert "PENDING-" not in body, url
        assert client.get(f"/{lang}/incidents/{public_id}/v2/").status_code == 404
        assert client.get(f"/{lang}/incidents/{public_id}/v2/cite.bib").status_code == 404

    assert_hidden()  # draft
    workflow.submit(draft, by=draft.created_by)
    assert_hidden()  # in review
    approve(draft)
    assert_hidden()  # approved, not published


def test_incident_page_hides_links_to_unpublished_or_withdrawn_hazards(client):
    version = DraftVersionFactory()
    HazardLinkFactory(version=version, hazard=HazardDraftVersionFactory(title_en="Draft hazard secret").record)
    withdrawn_hazard = PublishedHazardVersionFactory(title_en="Withdrawn hazard secret").record
    HazardLinkFactory(version=version, hazard=withdrawn_hazard)
    live = release(version)
    workflow.withdraw(withdrawn_hazard, by=PublisherFactory(), reason_en="x", reason_fr="x")
    html = page(client, f"/en/incidents/{live.record.public_id}/")
    assert "Draft hazard secret" not in html and "Withdrawn hazard secret" not in html
    assert "This incident is not linked to a published hazard." in html


@pytest.mark.parametrize(
    "path",
    [
        "/en/incidents/INC-9999/",
        "/en/incidents/inc-0001/",
        "/en/incidents/INC-1/",
        "/en/incidents/INC-0001x/",
        "/en/incidents/XYZ-0001/",
        "/en/incidents/INC-0001/v0/",
        "/en/incidents/INC-0001/v999/",
        "/en/incidents/INC-0001/v99999999999999999999/",
        "/en/incidents/INC-0001/vabc/",
        "/en/incidents/INC-0001/v-1/",
        "/en/incidents/INC-0001/v2/cite.bib",
        "/fr/incidents/INC-0001/v999/cite.json",
        "/en/incidents/%3Cscript%3E/",
    ],
)
def test_unknown_malformed_ids_and_version_numbers_answer_404(client, path):
    PublishedVersionFactory()  # INC-0001, v1 only
    response = client.get(path)
    assert response.status_code == 404
    assert "<script>" not in response.content.decode()


def test_404_is_the_sites_page(client):
    response = client.get("/fr/incidents/INC-9999/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="fr">' in html and 'class="site-header"' in html
    assert "Page introuvable" in html


# Withdrawn -----------------------------------------------------------------------------


@pytest.fixture
def withdrawn():
    v1 = PublishedVersionFactory(title_en="Retracted title", title_fr="Titre retiré", summary_en="Retracted summary")
    publish_revision(v1.record, retitle("Retracted second title"))
    record = record_of(v1)
    workflow.withdraw(
        record, by=PublisherFactory(), reason_en="Duplicate of INC-0002.", reason_fr="Doublon de INC-0002."
    )
    record.refresh_from_db()
    return record


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_withdrawn_record_shows_a_notice_instead_of_its_content(client, withdrawn, lang):
    for url in record_urls(withdrawn.public_id, lang):
        response = client.get(url)
        assert response.status_code == 410, url
        body = response.content.decode()
        # The tombstone names the record by its last published title, and
        # shows none of its content.
        assert "Retracted summary" not in body
        assert ("Retracted second title" if lang == "en" else "Titre retiré") in body
        assert 'content="noindex"' in body
        if lang == "en":
            assert "This record was withdrawn on" in body and "Duplicate of INC-0002." in body
        else:
            assert "Cette fiche a été retirée le" in body and "Doublon de INC-0002." in body


def test_withdrawal_notice_gives_the_date_in_the_page_format(client, withdrawn):
    withdrawn.withdrawn_at = datetime.datetime(2026, 3, 11, 15, 0, tzinfo=datetime.UTC)
    withdrawn.save(update_fields=["withdrawn_at"])
    assert "Cette fiche a été retirée le 11 mars 2026." in page(client, f"/fr/incidents/{withdrawn.public_id}/", 410)
    assert "This record was withdrawn on March 11, 2026." in page(client, f"/en/incidents/{withdrawn.public_id}/", 410)


def test_withdrawn_record_unknown_version_is_still_404(client, withdrawn):
    assert client.get(f"/en/incidents/{withdrawn.public_id}/v3/").status_code == 404


# Hazards ---------------------------------------------------------------------------------


def test_hazard_page_lists_published_incidents_materialized_from_it(client):
    hazard = PublishedHazardVersionFactory(title_en="A hazard").record
    linked = DraftVersionFactory(title_en="Published incident from the hazard")
    HazardLinkFactory(version=linked, hazard=hazard)
    linked = release(linked)

    draft_only = DraftVersionFactory(title_en="Draft incident secret")
    HazardLinkFactory(version=draft_only, hazard=hazard)

    # A published incident whose link exists only in its pending revision.
    pending = PublishedVersionFactory(title_en="Incident linked only in its revision")
    HazardLinkFactory(version=revise(pending.record), hazard=hazard)

    html = page(client, f"/en/incidents/{hazard.public_id}/")
    assert '<span class="kind kind--hazard">Hazard</span>' in html
    assert "Incidents materialized from this hazard" in html
    assert f'<a href="/en/incidents/{linked.record.public_id}/">' in html
    assert "Published incident from the hazard" in html
    assert "Draft incident secret" not in html
    assert "Incident linked only in its revision" not in html


def test_hazard_page_drops_an_incident_whose_live_version_no_longer_links_it(client):
    hazard = PublishedHazardVersionFactory().record
    version = DraftVersionFactory(title_en="Unlinked later")
    HazardLinkFactory(version=version, hazard=hazard)
    version = release(version)
    publish_revision(version.record, lambda draft: HazardLink.objects.filter(version=draft).delete())
    assert "Unlinked later" not in page(client, f"/en/incidents/{hazard.public_id}/")


# Head: description, OpenGraph ----------------------------------------------------------------


def test_description_and_opengraph_come_from_the_summary_as_plain_text(client):
    live = PublishedVersionFactory(
        summary_en='A **bold** claim with a [link](https://example.org) and "quotes" <b>tag</b>.'
    )
    html = page(client, f"/en/incidents/{live.record.public_id}/")
    expected = "A bold claim with a link and &quot;quotes&quot; &lt;b&gt;tag&lt;/b&gt;."
    assert f'<meta name="description" content="{expected}">' in html
    assert f'<meta property="og:description" content="{expected}">' in html
    assert '<meta property="og:type" content="article">' in html


def test_record_page_has_no_inline_script_or_style(client, seed_record):
    _v1, v2 = seed_record
    html = page(client, f"/en/incidents/{v2.record.public_id}/")
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts == [' type="application/ld+json"']
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)


# Performance ------------------------------------------------------------------------------------


def grow(version, n):
    """Add n more of every part to a draft."""
    for i in range(n):
        HarmFactory(version=version, description_en=f"Extra harm {i}")
        CitationFactory(version=version, is_primary=(i == 0))
        RecommendationAuthorityFactory(recommendation=PolicyRecommendationFactory(version=version))
        EntityRoleFactory(version=version)
        EntityResponseFactory(version=version)  # and its entity's role
        ClassificationFactory(version=version)
        JurisdictionFactory(version=version, country="FR")
        HazardLinkFactory(version=version)
        ExternalIdFactory(version=version)


def count_queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# The parts of a version: on PostgreSQL, every kind in one statement
# (incidents/public/record_reads.py); elsewhere one query per kind of part:
# harms, citations, recommendations, their further authorities, entity
# roles, responses, classifications, jurisdictions, hazard links, external
# ids.
ONE_STATEMENT = connection.vendor == "postgresql"
PART_QUERIES = 1 if ONE_STATEMENT else len(VERSION_PART_MODELS)
# The record (with its ETag stamps), the changelog, the parts; and one for
# the related records with the records merged into it
# (record_page.neighbours: stored at publication, incidents/related.py).
RECORD_PAGE_QUERIES = 3 + PART_QUERIES
# A version without policy recommendations has no further authorities to
# read either: on the ORM's path that query is not run
# (record_page.prefetch_parts); the one statement reads them anyway.
RECORD_PAGE_QUERIES_WITHOUT_RECOMMENDATIONS = RECORD_PAGE_QUERIES - (0 if ONE_STATEMENT else 1)
# The changes page shows neither related nor merged records.
CHANGES_PAGE_QUERIES = RECORD_PAGE_QUERIES - 1


def test_record_page_query_count_is_pinned(client, django_assert_num_queries):
    live = full_record()
    cache.clear()
    with django_assert_num_queries(RECORD_PAGE_QUERIES):
        assert client.get(f"/en/incidents/{live.record.public_id}/").status_code == 200


def test_record_page_query_count_does_not_grow_with_the_record(client):
    small = full_record()  # one version, 1 to 3 parts of each kind
    big = DraftVersionFactory()
    grow(big, 4)  # more parts of every kind than the small record has
    big = release(big)
    for _ in range(2):  # and a longer changelog: three versions
        big = publish_revision(big.record, note=("More", "Plus"))
    for model in VERSION_PART_MODELS:
        assert model.objects.filter(version=big).count() > model.objects.filter(version=small).count(), model
    small_count = count_queries(client, f"/en/incidents/{small.record.public_id}/")
    big_count = count_queries(client, f"/en/incidents/{big.record.public_id}/")
    assert small_count == big_count == RECORD_PAGE_QUERIES
    # A superseded version, between the first and the live one.
    assert count_queries(client, f"/fr/incidents/{big.record.public_id}/v2/") == RECORD_PAGE_QUERIES
    # The changes page loads both versions' parts: one query per kind for both.
    assert count_queries(client, f"/en/incidents/{big.record.public_id}/changes/?from=1&to=3") == CHANGES_PAGE_QUERIES


def test_hazard_page_costs_one_more_query_for_its_incidents(client):
    hazard = PublishedHazardVersionFactory().record
    for _ in range(3):
        version = DraftVersionFactory()
        HazardLinkFactory(version=version, hazard=hazard)
        release(version)
    assert not hazard.live_version.recommendations.exists()
    assert (
        count_queries(client, f"/en/incidents/{hazard.public_id}/") == RECORD_PAGE_QUERIES_WITHOUT_RECOMMENDATIONS + 1
    )


@pytest.mark.skipif(ONE_STATEMENT, reason="the one statement reads every kind of part")
def test_a_version_without_recommendations_costs_no_query_for_their_authorities(client):
    live = full_record()
    assert live.recommendations.exists()
    assert count_queries(client, f"/en/incidents/{live.record.public_id}/") == RECORD_PAGE_QUERIES
    bare = PublishedVersionFactory()
    assert not bare.recommendations.exists()
    assert (
        count_queries(client, f"/en/incidents/{bare.record.public_id}/") == RECORD_PAGE_QUERIES_WITHOUT_RECOMMENDATIONS
    )


def test_rendered_text_is_cached_by_version_and_language(client, monkeypatch):
    from incidents.public import record_page

    live = PublishedVersionFactory(narrative_en="English narrative", narrative_fr="Récit français")
    calls = []
    original = record_page.render_markdown
    monkeypatch.setattr(record_page, "render_markdown", lambda *a, **k: calls.append(1) or original(*a, **k))
    url = f"/{{}}/incidents/{live.record.public_id}/"
    assert "English narrative" in page(client, url.format("en"))
    rendered = len(calls)
    assert rendered == 3  # summary (its plain text too), narrative, editorial assessment
    assert "English narrative" in page(client, url.format("en"))
    assert len(calls) == rendered  # served from the cache
    french = page(client, url.format("fr"))
    assert "Récit français" in french and "English narrative" not in french
    assert len(calls) == 2 * rendered
    assert (
        cache.get(record_page.render_cache_key(live, "en"))["narrative"]
        != cache.get(record_page.render_cache_key(live, "fr"))["narrative"]
    )


# Conditional GET ------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "v1/", "changes/?from=1&to=2", "v1/cite.bib", "v1/cite.json"])
def test_anonymous_pages_answer_conditional_gets_with_304(client, suffix):
    v1 = PublishedVersionFactory()
    publish_revision(v1.record, retitle("Two"))
    url = f"/en/incidents/{v1.record.public_id}/{suffix}"
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"]
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 304 and second.content == b""


def test_etag_differs_between_languages(client):
    live = PublishedVersionFactory()
    en = client.get(f"/en/incidents/{live.record.public_id}/")["ETag"]
    fr = client.get(f"/fr/incidents/{live.record.public_id}/")["ETag"]
    assert en != fr


def test_etag_changes_when_a_new_version_is_published(client):
    v1 = PublishedVersionFactory()
    url = f"/en/incidents/{v1.record.public_id}/"
    tag = client.get(url)["ETag"]
    publish_revision(v1.record, retitle("Two"))
    response = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200 and "Two" in response.content.decode()


def test_etag_changes_when_the_record_is_withdrawn(client):
    live = PublishedVersionFactory()
    url = f"/en/incidents/{live.record.public_id}/"
    tag = client.get(url)["ETag"]
    workflow.withdraw(record_of(live), by=PublisherFactory(), reason_en="Gone", reason_fr="Parti")
    assert client.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 410


def test_a_renamed_entity_leaves_published_pages_and_their_etag_as_reviewed(client, seed_record):
    """Published versions show reference rows as their reviewers saw them."""
    _v1, v2 = seed_record
    url = f"/en/incidents/{v2.record.public_id}/"
    first = client.get(url)
    entity = v2.entity_roles.first().entity
    name = entity.name_en
    entity.name_en = "Renamed agency"
    entity.save()
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    again = client.get(url).content.decode()
    assert name in again and "Renamed agency" not in again


def test_etag_changes_when_a_linked_hazard_is_withdrawn(client, seed_record):
    _v1, v2 = seed_record
    url = f"/en/incidents/{v2.record.public_id}/"
    tag = client.get(url)["ETag"]
    hazard = v2.hazard_links.first().hazard
    workflow.withdraw(hazard, by=PublisherFactory(), reason_en="x", reason_fr="x")
    response = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200 and hazard.public_id not in response.content.decode()


def test_signed_in_readers_never_get_a_304_from_the_anonymous_validator(client, editor):
    """Anonymous pages share a validator built from the record's state; a
    signed-in reader's page may differ, so that validator must not match it
    (ConditionalGetMiddleware gives it a hash of its own content instead)."""
    live = PublishedVersionFactory()
    url = f"/en/incidents/{live.record.public_id}/"
    anonymous_etag = client.get(url)["ETag"]
    client.force_login(editor)
    response = client.get(url, HTTP_IF_NONE_MATCH=anonymous_etag)
    assert response.status_code == 200
    assert response.get("ETag") != anonymous_etag


def test_unknown_id_answers_404_whatever_the_validator(client):
    response = client.get("/en/incidents/INC-4242/", HTTP_IF_NONE_MATCH='"anything"')
    assert response.status_code == 404


def test_text_only_in_french_is_shown_on_english_pages_marked_not_yet_translated_into_english(client):
    version = DraftVersionFactory(assessment_status="assessed", editorial_assessment_en="", editorial_assessment_fr="")
    version.editorial_assessment_fr = "Évaluation seulement en français."
    version.save()
    EntityRoleFactory(
        version=version, role="developer", entity=EntityFactory(name_en="", name_fr="Agence seulement en français")
    )
    JurisdictionFactory(version=version, country="CA", region_en="", region_fr="Québec seulement")
    live = release(version)
    html = page(client, f"/en/incidents/{live.record.public_id}/")
    assert '<span lang="fr" class="untranslated">Agence seulement en français</span>' in html
    assert '<span lang="fr" class="untranslated">Québec seulement</span>' in html
    assert (
        '<div class="untranslated"><p class="untranslated-note">Not yet translated into English</p><div lang="fr">'
        in html
    )
    assert "Developer ()" not in html


def test_a_text_empty_in_both_languages_is_not_marked_as_untranslated(client):
    version = DraftVersionFactory(editorial_assessment_en="", editorial_assessment_fr="")
    live = release(version)
    for lang in ("en", "fr"):
        html = page(client, f"/{lang}/incidents/{live.record.public_id}/")
        assert 'class="untranslated-note"' not in html, lang


def test_a_source_without_a_verified_address_says_how_to_find_it(client):
    draft = DraftVersionFactory()
    source = SourceFactory(title="Canada warns businesses", url="", archived_url="", authors="Daniel Otis")
    CitationFactory(version=draft, source=source, is_primary=True)
    live = release(draft)
    html = client.get(f"/en/incidents/{live.record.public_id}/").content.decode()
    assert "<cite" in html and "Canada warns businesses</cite>" in html  # not a link
    assert "Daniel Otis, " in html
    assert "No verified web address: find it by its author, publisher and date" in html
    french = client.get(f"/fr/incidents/{live.record.public_id}/").content.decode()
    assert "Aucune adresse Web vérifiée" in french
