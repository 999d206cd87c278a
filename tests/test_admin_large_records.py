"""A large record saves from the admin: the request limits in
config/settings.py ("Request size") are set for a version of 150 parts;
the editor's queries do not grow with the number of parts, and its faster
rendering (incidents/admin/form_rendering.py) writes what Django's
templates write (bench/README.md, "Admin at scale")."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.forms.renderers import DjangoTemplates
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.safestring import mark_safe

from incidents.admin import form_rendering, versions
from incidents.models import RecordVersion, Role
from tests.admin_helpers import change_form_data, version_url
from tests.factories import (
    CitationFactory,
    ClassificationFactory,
    DraftVersionFactory,
    EntityRoleFactory,
    ExternalIdFactory,
    HarmFactory,
    HarmTypeTermFactory,
    InReviewVersionFactory,
    JurisdictionFactory,
    PolicyRecommendationFactory,
    RecommendationAuthorityFactory,
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


def every_kind_of_part(draft, count):
    """``count`` parts of each kind (with references to other rows) on ``draft``."""
    start = draft.citations.count()
    for n in range(count):
        CitationFactory(version=draft, source=SourceFactory(), is_primary=start + n == 0, order=start + n)
        HarmFactory(version=draft, harm_type=HarmTypeTermFactory())
        recommendation = PolicyRecommendationFactory(version=draft, source=SourceFactory())
        RecommendationAuthorityFactory(version=draft, recommendation=recommendation)
        EntityRoleFactory(version=draft, role=Role.values[n % len(Role.values)])
        ClassificationFactory(version=draft)
        JurisdictionFactory(version=draft, region_en=f"Region {n}", region_fr=f"Région {n}")
        ExternalIdFactory(version=draft)


def editor_queries(client, draft):
    """(queries of the editor's page, queries of saving it unchanged)."""
    url = version_url(draft)
    with CaptureQueriesContext(connection) as page:
        response = client.get(url)
    assert response.status_code == 200
    data = change_form_data(response)
    with CaptureQueriesContext(connection) as save:
        response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    return len(page), len(save)


def test_the_editor_reads_and_saves_a_version_in_as_many_queries_whatever_its_number_of_parts(client, editor):
    draft = DraftVersionFactory(created_by=editor)
    client.force_login(editor)
    every_kind_of_part(draft, 2)
    small = editor_queries(client, draft)
    every_kind_of_part(draft, 6)
    large = editor_queries(client, draft)
    assert large == small


def test_a_changed_part_is_still_checked_against_the_unchanged_ones(client, editor):
    draft = DraftVersionFactory(created_by=editor)
    every_kind_of_part(draft, 2)
    client.force_login(editor)
    first, second = draft.citations.order_by("order", "id")
    page = client.get(version_url(draft))
    index = [form.instance.pk for form in page.context["inline_admin_formsets"][2].formset.forms].index(second.pk)
    data = change_form_data(page, **{f"citations-{index}-key": first.key})
    response = client.post(version_url(draft), data)
    assert response.status_code == 200
    assert "Each citation key may be used once per version." in response.content.decode()
    second.refresh_from_db()
    assert second.key != first.key


def djangos_rendering(monkeypatch):
    """The editor rendered by Django's own form and admin templates alone."""
    monkeypatch.setattr(form_rendering.FastFormRenderer, "render", DjangoTemplates.render)
    djangos = {
        versions.STACKED_TEMPLATE: "admin/edit_inline/stacked.html",
        versions.TABULAR_TEMPLATE: "admin/edit_inline/tabular.html",
    }
    for inline in versions.RecordVersionAdmin.inlines:
        monkeypatch.setattr(inline, "template", djangos[inline.template])


def _without_token(html):
    """The page without what changes at each request (the CSRF token, the CSP nonce)."""
    return re.sub(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"', "", html)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_editor_is_written_as_djangos_form_templates_would_write_it(client, editor, monkeypatch, lang):
    draft = DraftVersionFactory(created_by=editor, summary_en="A <b>bold</b> & “quoted” summary.")
    every_kind_of_part(draft, 2)
    client.force_login(editor)
    url = version_url(draft)
    fast = client.get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    djangos_rendering(monkeypatch)
    django = client.get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert "<option" in fast and "<textarea" in fast
    assert _without_token(fast) == _without_token(django)


def test_a_read_only_version_is_written_as_djangos_templates_would_write_it(client, editor, monkeypatch):
    version = InReviewVersionFactory()
    every_kind_of_part(version, 2)
    client.force_login(editor)
    fast = client.get(version_url(version)).content.decode()
    djangos_rendering(monkeypatch)
    django = client.get(version_url(version)).content.decode()
    assert 'class="readonly"' in fast and "<p>" in fast
    assert _without_token(fast) == _without_token(django)


def test_a_refused_save_shows_its_errors_as_djangos_templates_would(client, editor, monkeypatch):
    draft = DraftVersionFactory(created_by=editor)
    every_kind_of_part(draft, 1)
    client.force_login(editor)
    # Errors in the main form, a stacked inline (citations) and a tabular one (entities).
    errors = {"citations-0-key": "not a key!", "title_en": "", "entity_roles-0-role": "no such role"}
    data = change_form_data(client.get(version_url(draft)), **errors)
    fast = client.post(version_url(draft), data)
    djangos_rendering(monkeypatch)
    django = client.post(version_url(draft), data)
    assert fast.status_code == django.status_code == 200
    assert 'class="errorlist' in fast.content.decode()
    assert fast.content.decode().count('<ul class="errorlist"') >= 3
    assert _without_token(fast.content.decode()) == _without_token(django.content.decode())


@pytest.mark.parametrize("hidden", [False, True])
@pytest.mark.parametrize("limited", [False, True])
@pytest.mark.parametrize("links", [False, True])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_related_widget_wrapper_is_written_as_djangos_template_writes_it(hidden, limited, links, lang):
    """Every branch of admin/widgets/related_widget_wrapper.html, the delete
    link included (no field of the editor shows one)."""
    context = {
        "rendered_widget": mark_safe('<select name="entity"></select>'),
        "is_hidden": hidden,
        "name": "entity_roles-0-entity",
        "url_params": "_to_field=id&_popup=1&_source_model=incidents.entityrole",
        "model": "entity <&>",
        "model_name": "entity",
        "can_add_related": links,
        "can_change_related": links,
        "can_delete_related": links,
        "can_view_related": links,
        "model_has_limit_choices_to": {"kind": "x"} if limited else None,
        "add_related_url": "/admin/incidents/entity/add/",
        "delete_related_template_url": "/admin/incidents/entity/__fk__/delete/",
        "view_related_url_params": "_to_field=id",
        "change_related_template_url": "/admin/incidents/entity/__fk__/change/",
    }
    name = form_rendering.RELATED_WRAPPER
    with translation.override(lang):
        fast = form_rendering.renderer.render(name, context)
        django = DjangoTemplates().render(name, context)
    assert fast == django
    assert ("delete-related" in fast) is (links and not hidden)
