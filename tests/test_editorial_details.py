"""Small promises of the editorial flow (issue 11): the admin links to the
public pages, an entity keeps its old address when its slug changes, a first
report cannot be dated in the future, the timeline shows the change note."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from incidents.publishing import workflow
from taxonomy.models import Entity
from tests.factories import (
    DraftVersionFactory,
    EntityFactory,
    PublisherFactory,
    published_record,
    record_of,
)

pytestmark = pytest.mark.django_db


def test_the_admin_links_a_published_record_and_version_to_their_public_pages(client, superuser):
    version = published_record()
    record = record_of(version)
    client.force_login(superuser)
    record_page = client.get(reverse("admin:incidents_record_change", args=[record.pk])).content.decode()
    assert f'href="/en/incidents/{record.public_id}/" hreflang="en"' in record_page
    assert f'href="/fr/incidents/{record.public_id}/" hreflang="fr"' in record_page
    version_page = client.get(reverse("admin:incidents_recordversion_change", args=[version.pk])).content.decode()
    assert f'href="/fr/incidents/{record.public_id}/v1/"' in version_page


def test_a_draft_or_withdrawn_record_has_no_public_page_link(client, superuser):
    draft = DraftVersionFactory()
    withdrawn = published_record()
    workflow.withdraw(record_of(withdrawn), by=PublisherFactory(), reason_en="Wrong.", reason_fr="Erroné.")
    client.force_login(superuser)
    for record in (record_of(draft), record_of(withdrawn)):
        page = client.get(reverse("admin:incidents_record_change", args=[record.pk])).content.decode()
        assert f'href="/en/incidents/{record.public_id}/"' not in page


def test_an_entity_whose_slug_changed_moves_its_page_permanently(client):
    entity = EntityFactory(slug="old-name")
    published_record(entities=[entity])
    entity = Entity.objects.get(pk=entity.pk)
    entity.slug = "new-name"
    entity.save()
    response = client.get("/fr/entities/old-name/")
    assert response.status_code == 301 and response["Location"] == "/fr/entities/new-name/"
    assert client.get("/en/entities/never-was/").status_code == 404


def test_an_unpublished_entitys_old_slug_is_still_a_404(client):
    entity = EntityFactory(slug="secret-old")
    DraftVersionFactory()
    entity.slug = "secret-new"
    entity.save()
    assert client.get("/en/entities/secret-old/").status_code == 404


def test_a_first_report_cannot_be_dated_in_the_future():
    draft = DraftVersionFactory(first_reported_on=datetime.date(2099, 1, 1))
    with pytest.raises(ValidationError) as refused:
        draft.full_clean()
    assert "first_reported_on" in refused.value.message_dict
    draft.first_reported_on = timezone.localdate()
    draft.full_clean()


def test_the_timeline_shows_the_change_note_written_at_publication(client, superuser):
    version = published_record()
    client.force_login(superuser)
    page = client.get(reverse("admin:incidents_record_timeline", args=[record_of(version).pk])).content.decode()
    assert f"EN: {version.change_note_en}" in page and f"FR: {version.change_note_fr}" in page


def test_every_page_has_an_icon_and_the_root_favicon_exists(client):
    html = client.get("/en/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
