"""Entity, term and source pages: the published records that use them, and
404 for reference rows the public has never seen."""

import pytest

from incidents.models import Citation, Classification, EntityRole
from incidents.public.views import reference
from incidents.publishing import workflow
from tests.factories import (
    CitationFactory,
    ClassificationFactory,
    DraftVersionFactory,
    EntityFactory,
    EntityRoleFactory,
    HarmFactory,
    HarmTypeTermFactory,
    PolicyRecommendationFactory,
    PublisherFactory,
    SourceFactory,
    TermFactory,
    release,
    revise,
)

pytestmark = pytest.mark.django_db


def published_with(make_part, title):
    """A published incident whose version has the part ``make_part`` adds."""
    version = DraftVersionFactory(title_en=title)
    make_part(version)
    return release(version)


def body(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


# Entities -----------------------------------------------------------------------


def test_entity_page_lists_the_published_records_that_involve_it(client):
    entity = EntityFactory(
        name_en="Canadian Centre for Cyber Security", name_fr="Centre canadien pour la cybersécurité"
    )
    involved = published_with(lambda v: EntityRoleFactory(version=v, entity=entity), "Involved record")
    recommending = published_with(
        lambda v: PolicyRecommendationFactory(version=v, authority=entity), "Record it makes a recommendation in"
    )
    DraftVersionFactory(title_en="Draft secret")
    EntityRoleFactory(version=DraftVersionFactory(title_en="Draft involving secret"), entity=entity)
    html = body(client, f"/fr/entities/{entity.slug}/")
    assert "<h1" in html and "Centre canadien pour la cybersécurité" in html
    assert f'href="/fr/incidents/{involved.record.public_id}/"' in html
    assert f'href="/fr/incidents/{recommending.record.public_id}/"' in html
    assert "secret" not in html


def test_entity_used_only_in_drafts_is_404(client):
    entity = EntityFactory()
    EntityRoleFactory(version=DraftVersionFactory(), entity=entity)
    assert client.get(f"/en/entities/{entity.slug}/").status_code == 404
    assert client.get("/en/entities/no-such-entity/").status_code == 404


def test_entity_dropped_from_the_live_version_keeps_its_page_without_the_record(client):
    entity = EntityFactory()
    v1 = published_with(lambda v: EntityRoleFactory(version=v, entity=entity), "Old involvement")
    draft = revise(v1.record)
    EntityRole.objects.filter(version=draft).delete()
    release(draft, note=("Removed entity", "Entité retirée"))
    html = body(client, f"/en/entities/{entity.slug}/")  # v1, still public, links here
    assert "Old involvement" not in html and "No current record involves this entity." in html


def test_entity_of_a_withdrawn_record_only_is_404(client):
    entity = EntityFactory()
    live = published_with(lambda v: EntityRoleFactory(version=v, entity=entity), "Withdrawn one")
    workflow.withdraw(live.record, by=PublisherFactory(), reason_en="x", reason_fr="x")
    assert client.get(f"/en/entities/{entity.slug}/").status_code == 404


def test_entity_pages_are_paginated_and_survive_bad_page_numbers(client, monkeypatch):
    monkeypatch.setattr(reference, "PAGE_SIZE", 2)  # three records make two pages, not 27
    entity = EntityFactory()
    for n in range(3):
        published_with(lambda v: EntityRoleFactory(version=v, entity=entity), f"Record {n}")
    link = '<a href="/en/incidents/INC-'
    first = body(client, f"/en/entities/{entity.slug}/")
    second = body(client, f"/en/entities/{entity.slug}/?page=2")
    assert (first.count(link), second.count(link)) == (2, 1)
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    for bad in ("abc", "-1", "999", "%27", "1" * 2000):
        assert client.get(f"/en/entities/{entity.slug}/?page={bad}").status_code == 200


def test_a_kept_entity_page_follows_each_publication_and_withdrawal(client):
    entity = EntityFactory()
    first = published_with(lambda v: EntityRoleFactory(version=v, entity=entity), "First record")
    url = f"/en/entities/{entity.slug}/"
    assert first.record.public_id in body(client, url)
    second = published_with(lambda v: EntityRoleFactory(version=v, entity=entity), "Second record")
    assert second.record.public_id in body(client, url)
    workflow.withdraw(second.record, by=PublisherFactory(), reason_en="Duplicate.", reason_fr="Doublon.")
    html = body(client, url)
    assert first.record.public_id in html and second.record.public_id not in html


def test_a_term_moved_under_another_lists_its_records_under_the_new_parent_at_once(client):
    parent = TermFactory()
    other = TermFactory(taxonomy=parent.taxonomy)
    child = TermFactory(taxonomy=parent.taxonomy, parent=parent)
    direct = published_with(lambda v: ClassificationFactory(version=v, term=other), "Classified under the other")
    nested = published_with(lambda v: ClassificationFactory(version=v, term=child), "Classified under the child")
    url = f"/en/taxonomy/{parent.taxonomy.slug}/{other.slug}/"
    html = body(client, url)
    assert direct.record.public_id in html and nested.record.public_id not in html
    child.parent = other  # an editor's correction of the tree: no publication
    child.save()
    assert nested.record.public_id in body(client, url)


# Terms --------------------------------------------------------------------------------


def test_term_page_lists_records_classified_under_it_or_its_children(client):
    parent = TermFactory(name_en="Synthetic media", name_fr="Médias synthétiques")
    child = TermFactory(taxonomy=parent.taxonomy, parent=parent, name_en="Deepfake video")
    direct = published_with(lambda v: ClassificationFactory(version=v, term=parent), "Classified directly")
    nested = published_with(lambda v: ClassificationFactory(version=v, term=child), "Classified under the child")
    ClassificationFactory(version=DraftVersionFactory(title_en="Draft secret"), term=parent)
    html = body(client, f"/fr/taxonomy/{parent.taxonomy.slug}/{parent.slug}/")
    assert "Médias synthétiques" in html
    assert direct.record.public_id in html and nested.record.public_id in html
    assert "Draft secret" not in html
    child_html = body(client, f"/en/taxonomy/{parent.taxonomy.slug}/{child.slug}/")
    assert nested.record.public_id in child_html and direct.record.public_id not in child_html
    assert f'<a href="/en/taxonomy/{parent.taxonomy.slug}/{parent.slug}/">Synthetic media</a>' in child_html


def test_harm_type_term_lists_records_with_harms_of_that_type(client):
    fraud = HarmTypeTermFactory(name_en="Fraud")
    live = published_with(lambda v: HarmFactory(version=v, harm_type=fraud), "A fraud")
    assert live.record.public_id in body(client, f"/en/taxonomy/{fraud.taxonomy.slug}/{fraud.slug}/")


def test_term_404s(client):
    term = TermFactory()
    ClassificationFactory(version=DraftVersionFactory(), term=term)
    assert client.get(f"/en/taxonomy/{term.taxonomy.slug}/{term.slug}/").status_code == 404
    assert client.get(f"/en/taxonomy/wrong-taxonomy/{term.slug}/").status_code == 404
    assert client.get(f"/en/taxonomy/{term.taxonomy.slug}/nothing/").status_code == 404


# Sources ------------------------------------------------------------------------------


def test_source_page_lists_the_records_citing_it(client):
    source = SourceFactory(title="Avis conjoint", language="fr", archived_url="https://web.archive.org/x")
    citing = published_with(lambda v: CitationFactory(version=v, source=source, is_primary=True), "Citing record")
    CitationFactory(version=DraftVersionFactory(title_en="Draft secret"), source=source, is_primary=True)
    html = body(client, f"/en/sources/{source.pk}/")
    assert '<cite lang="fr">Avis conjoint</cite>' in html
    assert "https://web.archive.org/x" in html
    assert citing.record.public_id in html and "Draft secret" not in html


def test_source_404s(client):
    source = SourceFactory()
    CitationFactory(version=DraftVersionFactory(), source=source)
    assert client.get(f"/en/sources/{source.pk}/").status_code == 404
    assert client.get("/en/sources/999999/").status_code == 404
    assert client.get("/en/sources/abc/").status_code == 404


def test_reference_pages_cost_a_constant_number_of_queries(client, django_assert_max_num_queries):
    source = SourceFactory()
    for n in range(12):
        published_with(lambda v: CitationFactory(version=v, source=source, is_primary=True), f"R{n}")
    # The source, its state as reviewed, whether it was ever public, the
    # publication stamp, the number of records and the page's ids (both
    # kept until the next publication), the page's records.
    with django_assert_max_num_queries(7):
        assert client.get(f"/en/sources/{source.pk}/").status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get(f"/en/sources/{source.pk}/").status_code == 200
    assert Citation.objects.count() == 12 and Classification.objects.count() == 0
