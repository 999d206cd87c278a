"""A version first published by another monitor keeps that date: the
changelog shows it, marked as such, beside the date we published it, which
stays the true time of publication here."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import DraftVersionFactory, release, revise

pytestmark = pytest.mark.django_db

ELSEWHERE = datetime.date(2026, 3, 11)


def test_changelog_shows_a_date_of_publication_elsewhere_marked_as_such(client):
    live = release(DraftVersionFactory(published_elsewhere_on=ELSEWHERE))
    url = f"/incidents/{live.record.public_id}/"
    english = client.get(f"/en{url}").content.decode()
    assert '<time datetime="2026-03-11">March 11, 2026</time>' in english
    assert "first published elsewhere" in english
    today = timezone.localdate()
    assert f'here: <time datetime="{today:%Y-%m-%d}">' in english
    french = client.get(f"/fr{url}").content.decode()
    assert '<time datetime="2026-03-11">11 mars 2026</time>' in french
    assert "publié d’abord ailleurs" in french


def test_a_version_published_only_here_shows_one_date(client):
    live = release(DraftVersionFactory())
    html = client.get(f"/en/incidents/{live.record.public_id}/").content.decode()
    assert "first published elsewhere" not in html


def test_the_publication_here_keeps_its_true_time():
    before = timezone.now()
    live = release(DraftVersionFactory(published_elsewhere_on=ELSEWHERE))
    assert live.published_at >= before and live.published_elsewhere_on == ELSEWHERE


def test_a_new_version_starts_without_a_date_elsewhere():
    live = release(DraftVersionFactory(published_elsewhere_on=ELSEWHERE))
    assert revise(live.record).published_elsewhere_on is None


def test_a_publication_elsewhere_cannot_be_dated_in_the_future():
    draft = DraftVersionFactory(published_elsewhere_on=timezone.localdate() + datetime.timedelta(days=30))
    with pytest.raises(ValidationError) as refusal:
        draft.full_clean()
    assert "published_elsewhere_on" in refusal.value.message_dict


def test_api_gives_the_date_elsewhere_on_the_version_and_its_changelog(client):
    live = release(DraftVersionFactory(published_elsewhere_on=ELSEWHERE))
    answer = client.get(f"/api/v1/records/{live.record.public_id}/").json()
    assert answer["published_elsewhere_on"] == "2026-03-11"
    assert answer["changelog"][0]["published_elsewhere_on"] == "2026-03-11"
    assert answer["published_at"].startswith(str(timezone.localdate().year))
