"""A large record saves from the admin: the request limits in
config/settings.py ("Request size") are set for a version of 150 parts."""

import pytest
from django.conf import settings

from incidents.models import RecordVersion
from tests.admin_helpers import change_form_data, version_url
from tests.factories import (
    CitationFactory,
    DraftVersionFactory,
    EntityRoleFactory,
    HarmFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

PARTS = {"citations": 60, "harms": 45, "entity_roles": 45}  # 150 in all


def large_draft(editor):
    draft = DraftVersionFactory(created_by=editor)
    for position in range(PARTS["citations"]):
        CitationFactory(version=draft, source=SourceFactory(), is_primary=position == 0, order=position)
    for _ in range(PARTS["harms"]):
        HarmFactory(version=draft, description_en="A harm.", description_fr="Un préjudice.")
    for _ in range(PARTS["entity_roles"]):
        EntityRoleFactory(version=draft)
    return draft


def test_a_version_of_150_parts_saves_from_the_admin(client, editor):
    draft = large_draft(editor)
    client.force_login(editor)
    page = client.get(version_url(draft))
    data = change_form_data(page, summary_en="Summary edited on a large record.")
    # Django's default limit (1,000 fields) would refuse this form with a 400.
    assert len(data) > 1000
    response = client.post(version_url(draft), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    draft = RecordVersion.objects.get(pk=draft.pk)
    assert draft.summary_en == "Summary edited on a large record."
    assert draft.citations.count() == PARTS["citations"]
    assert draft.harms.count() == PARTS["harms"]
    assert draft.entity_roles.count() == PARTS["entity_roles"]


def test_the_field_limit_leaves_room_for_a_version_three_times_that_size(client, editor):
    draft = large_draft(editor)
    client.force_login(editor)
    fields = len(change_form_data(client.get(version_url(draft))))
    assert 3 * fields <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
